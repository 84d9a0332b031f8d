// The adapter process: only the read loop; everything else is in protocol.cpp.
#include <iostream>

#include "protocol.h"

int main() {
  // C stdio is never used, so the streams need not be synchronised with it; unsynchronised they buffer,
  // and serve() flushes after every reply (R-PROTO-2).
  std::ios::sync_with_stdio(false);
  return rsm::serve(std::cin, std::cout);
}
