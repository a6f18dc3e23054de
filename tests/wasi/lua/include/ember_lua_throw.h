/* Included before every Lua source by build.sh: how LUAI_THROW ends the program (see ember_lua.c). */
struct lua_State;
void ember_lua_throw(struct lua_State *L);
