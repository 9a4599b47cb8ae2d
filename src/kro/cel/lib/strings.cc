#include "kro/cel/lib/internal/fn.h"
#include "kro/cel/lib/library.h"

namespace kro::cel {

void AddStringsLibrary(Registry&) {}

}  // namespace kro::cel
