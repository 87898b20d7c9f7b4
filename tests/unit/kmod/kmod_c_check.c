// Compiles the scheduler cores as C, as the kernel does.
#include "kmod_c_check.h"

#include <stdlib.h>

#include "kmod/lvsd_user.h"

void lvsd_kmod_c_swrr_sequence(uint32_t a, uint32_t b, uint32_t c, char* out, int count) {
  const u32 w[3] = {a, b, c};
  s64 cw[3] = {0, 0, 0};
  int k;

  for (k = 0; k < count; k++) {
    int i = lvsd_swrr_step(w, cw, 3);
    out[k] = (char)(i < 0 ? '-' : 'a' + i);
  }
  out[count] = '\0';
}

int lvsd_kmod_c_chbl_slot(uint32_t n, uint32_t m, uint32_t slot) {
  struct lvsd_chbl_dest* d = calloc(n, sizeof(*d));
  u16* order = calloc(n, sizeof(*order));
  u16* table = calloc(m, sizeof(*table));
  uint32_t i;
  int r = -1;

  if (d && order && table) {
    for (i = 0; i < n; i++) {
      u32 word = i + 1;
      d[i].key = lvsd_chbl_hash(&word, 1, 0, 0);
      d[i].weight = 1;
    }
    if (lvsd_chbl_build(d, n, order, table, m)) {
      r = table[slot];
    }
  }
  free(d);
  free(order);
  free(table);
  return r;
}
