/* A small stand-alone Lua for WASI: `lua.wasm SCRIPT [ARGS...]` runs SCRIPT with the standard libraries and
   `arg` set as the `lua` command sets it. Lua's own `lua.c` is not in the lua-src crate, so this is the driver.

   Without setjmp/longjmp on WASI, an error cannot be caught: build.sh makes LUAI_THROW call
   ember_lua_throw, which reports the error like `lua` does and exits with status 1. So `error()` ends the
   script, and `pcall` returns normally only when its function does not raise an error. */
#include <stdio.h>
#include <stdlib.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"

void ember_lua_throw(struct lua_State *L) {
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(error object is not a string)";
    fflush(stdout);
    fprintf(stderr, "lua: %s\n", msg);
    exit(1);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s SCRIPT [ARGS...]\n", argv[0]);
        return 2;
    }
    lua_State *L = luaL_newstate();
    if (L == NULL) {
        fprintf(stderr, "lua: cannot create state: not enough memory\n");
        return 1;
    }
    luaL_openlibs(L);
    lua_createtable(L, argc, 1);
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - 1);
    }
    lua_setglobal(L, "arg");
    if (luaL_loadfile(L, argv[1]) != LUA_OK) {
        fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
        return 1;
    }
    for (int i = 2; i < argc; i++) lua_pushstring(L, argv[i]);
    /* Protected, so that an error reaches ember_lua_throw rather than Lua's panic handler. */
    if (lua_pcall(L, argc - 2, 0, 0) != LUA_OK) ember_lua_throw(L);
    lua_close(L);
    return 0;
}
