/* Floating point: an n x n Mandelbrot set (at most 50 iterations per point), counting the points inside. */
#include "bench.h"

BENCH(mandelbrot) {
    uint32_t inside = 0;
    for (uint32_t py = 0; py < n; py++) {
        double ci = 2.0 * py / n - 1.0;
        for (uint32_t px = 0; px < n; px++) {
            double cr = 2.0 * px / n - 1.5;
            double zr = 0, zi = 0, tr = 0, ti = 0;
            int k = 0;
            for (; k < 50 && tr + ti <= 4.0; k++) {
                zi = 2.0 * zr * zi + ci;
                zr = tr - ti + cr;
                tr = zr * zr;
                ti = zi * zi;
            }
            inside += k == 50;
        }
    }
    return inside;
}
