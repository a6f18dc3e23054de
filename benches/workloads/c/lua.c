/* A language runtime as a workload: Lua 5.4 (the C sources shipped in the lua-src crate) as a WASI reactor.
 * `run(n)` creates a Lua state with the standard libraries, runs the short script below with `n` rounds and
 * returns its checksum; `ping()` returns 1 at once. The startup benchmark multiplies this module's code into a
 * huge one (src/inflate.rs) to stand in for a language runtime of tens of MB.
 *
 * Failures return distinctive values: LUA_NO_STATE, LUA_NO_LOAD, LUA_FAILED, or BAD_* from the script's own
 * checks. A Lua error cannot unwind on WASI (no setjmp/longjmp without the exception-handling proposal), so
 * build.sh makes Lua's throw a trap; the script is fixed and raises no error, which the checks below confirm.
 * Only the WASI imports that wasi-libc pulls in for Lua's libraries remain (fd_write, clock_time_get, ...);
 * the script calls none of them, so hosts may stub them: the benchmark's stubs answer EBADF, as a host with no
 * file descriptors would, which wasi-libc's start-up (looking for preopened directories) accepts. */
#include <stdint.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

enum {
    LUA_NO_STATE = 0xE1000001u, /* luaL_newstate found no memory */
    LUA_NO_LOAD = 0xE1000002u,  /* the script did not compile */
    LUA_FAILED = 0xE1000003u,   /* the script did not return an integer */
};

/* Records sorted by a comparator, formatted strings with pattern matching and case mapping, recursion and a
 * hash table; every round folds its results into a 32-bit checksum. Self-checks return 0xBAD000xx. */
static const char script[] =
    "local rounds = ...\n"
    "local h = 0\n"
    "local function mix(v) h = (h * 31 + v) & 0xffffffff end\n"
    "local seed = 12345\n"
    "local function rand() seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed >> 8 end\n"
    "local function fib(k) if k < 2 then return k end return fib(k - 1) + fib(k - 2) end\n"
    "local function before(a, b)\n"
    "  if a.age ~= b.age then return a.age < b.age end\n"
    "  if a.name ~= b.name then return a.name < b.name end\n"
    "  return a.id < b.id\n"
    "end\n"
    "for round = 1, rounds do\n"
    "  local people = {}\n"
    "  for i = 1, 300 do people[i] = { name = 'p' .. (rand() % 500), age = rand() % 90, id = i } end\n"
    "  table.sort(people, before)\n"
    "  for i = 2, #people do if before(people[i], people[i - 1]) then return 0xBAD00001 end end\n"
    "  for i = 1, #people, 7 do mix(people[i].age); mix(people[i].id) end\n"
    "  local parts = {}\n"
    "  for i = 1, 150 do parts[#parts + 1] = string.format('%d:%s', i, people[i].name) end\n"
    "  local s = table.concat(parts, ',')\n"
    "  local total = 0\n"
    "  for digits in s:gmatch('p(%d+)') do total = total + tonumber(digits) end\n"
    "  mix(total); mix(#s)\n"
    "  local upper = s:upper():gsub('P', 'q')\n"
    "  if #upper ~= #s then return 0xBAD00002 end\n"
    "  mix(upper:byte(#upper // 2)); mix(#upper:rep(3, '|'))\n"
    "  mix(fib(15))\n"
    "  local count, distinct = {}, 0\n"
    "  for i = 1, #people do local k = people[i].name; count[k] = (count[k] or 0) + 1 end\n"
    "  for _, c in pairs(count) do distinct = distinct + 1 end\n"
    "  mix(distinct)\n"
    "end\n"
    "return h\n";

/* No environment: luaopen_package reads LUA_PATH and LUA_CPATH, and wasi-libc's getenv would first fetch the
 * environment and exit when the host cannot give it. Lua's built-in default paths apply instead. Defining
 * getenv here keeps wasi-libc's (and its environ_get/environ_sizes_get imports) out of the module. */
char *getenv(const char *name) {
    (void)name;
    return NULL;
}

__attribute__((export_name("ping"))) uint32_t ping(void) { return 1; }

__attribute__((export_name("run"))) uint32_t run(uint32_t n) {
    lua_State *L = luaL_newstate();
    if (L == NULL) return LUA_NO_STATE;
    luaL_openlibs(L);
    uint32_t result = LUA_NO_LOAD;
    if (luaL_loadbufferx(L, script, sizeof script - 1, "=bench", "t") == LUA_OK) {
        lua_pushinteger(L, (lua_Integer)n);
        int is_integer = 0;
        lua_Integer h = 0;
        if (lua_pcall(L, 1, 1, 0) == LUA_OK) h = lua_tointegerx(L, -1, &is_integer);
        result = is_integer ? (uint32_t)h : LUA_FAILED;
    }
    lua_close(L);
    return result;
}
