/* wasi-libc has no setjmp/longjmp (they need the exception-handling proposal). Lua only needs the jmp_buf
   type: build.sh defines LUAI_THROW and LUAI_TRY so that a Lua error never reaches setjmp/longjmp (see lua.c). */
#ifndef EMBER_LUA_SETJMP_H
#define EMBER_LUA_SETJMP_H
typedef int jmp_buf[1];
#endif
