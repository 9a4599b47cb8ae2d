#include "kro/cel/lib/internal/fn.h"
#include "kro/cel/lib/library.h"

namespace kro::cel {

void AddMathLibrary(Registry&) {}

}  // namespace kro::cel
