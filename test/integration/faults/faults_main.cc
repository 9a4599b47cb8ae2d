// Every fault-test binary shares one control plane across its tests (faults_fixture.h).
#include "test/integration/faults/faults_fixture.h"

KRO_FAULTS_ENVIRONMENT();
