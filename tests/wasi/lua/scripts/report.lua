-- A Lua workout for Ember's WASI: reads a text from its granted directory, counts words, writes a report
-- beside it and reads it back, with tables, closures, metatables, string patterns, integer and float math.
local dir = arg[1] or "."
local input = dir .. "/poem.txt"

local counts, order, lines = {}, {}, 0
for line in io.lines(input) do
  lines = lines + 1
  for word in line:lower():gmatch("%a+") do
    if not counts[word] then
      counts[word] = 0
      order[#order + 1] = word
    end
    counts[word] = counts[word] + 1
  end
end
table.sort(order, function(a, b)
  if counts[a] ~= counts[b] then return counts[a] > counts[b] end
  return a < b
end)
print(string.format("%d lines, %d distinct words", lines, #order))
for i = 1, 5 do
  print(string.format("%2d. %-6s %d", i, order[i], counts[order[i]]))
end

-- A small class through a metatable.
local Vec = {}
Vec.__index = Vec
Vec.__add = function(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
Vec.__tostring = function(v) return string.format("(%g, %g)", v.x, v.y) end
function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
function Vec:length() return math.sqrt(self.x * self.x + self.y * self.y) end
local v = Vec.new(3, 4) + Vec.new(0.5, -1)
print("vector", tostring(v), string.format("%.4f", v:length()))

-- Closures and integer arithmetic.
local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c = counter()
c(); c()
print("counter", c(), math.type(c()), 7 // 2, 7 / 2, 2 ^ 10, math.maxinteger)

-- Primes by sieve.
local N, sieve, primes = 2000, {}, 0
for i = 2, N do
  if not sieve[i] then
    primes = primes + 1
    for j = i * i, N, i do sieve[j] = true end
  end
end
print("primes below " .. N, primes)

print("gsub", (("hello wasi world"):gsub("(%w+)", "<%1>")))
print("utf8", utf8.len("héllo wörld"), utf8.char(72, 233, 108))
print("pcall ok", pcall(function(a, b) return a + b end, 2, 3))
print("env", os.getenv("GREETING"), os.getenv("HOME"))
print("time is sane", os.time() > 1704067200, os.date("!%Y", 0))

-- Write the report into the granted directory and read it back.
local out = assert(io.open(dir .. "/report.txt", "w"))
for i, word in ipairs(order) do
  out:write(word, "\t", counts[word], "\n")
end
out:close()
local size = 0
for _ in io.lines(dir .. "/report.txt") do size = size + 1 end
print("report lines", size)
local missing, err = io.open(dir .. "/../escape.txt", "w")
print("escape", missing, err)
