/* A stand-in bcryptprimitives.dll for running the Windows build under Wine 8.0 in tests only.
 * Rust's standard library gets its random bytes from ProcessPrng (Windows 10+), which Wine 8.0
 * does not export; this forwards it to RtlGenRandom (advapi32's SystemFunction036), which Wine
 * has. It is placed beside test executables and never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
