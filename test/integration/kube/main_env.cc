#include "test/integration/kube/kube_fixture.h"

// One control plane for the whole binary (ctest runs each test in its own process, so each
// gets its own control plane there).
[[maybe_unused]] static ::testing::Environment* const kKubeEnvironment =
    ::testing::AddGlobalTestEnvironment(new kro::kube::testing::KubeEnvironment());
