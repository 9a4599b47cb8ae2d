#include "kro/controller/informer_errors.h"

#include <gtest/gtest.h>

#include <vector>

namespace kro::controller {
namespace {

TEST(InformerErrorsTest, ReportsFirstFailureAndEachDoubling) {
  std::vector<uint64_t> reported;
  for (uint64_t n = 0; n <= 40; ++n) {
    if (ShouldReportFailure(n)) {
      reported.push_back(n);
    }
  }
  EXPECT_EQ(reported, (std::vector<uint64_t>{1, 2, 4, 8, 16, 32}));
}

TEST(InformerErrorsTest, HandlerLogsTheGvrAndTheError) {
  auto handler = LogInformerErrors(Logger(LogLevel::kInfo));
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  handler(kube::Gvr{"kro.run", "v1alpha1", "resourcegraphdefinitions"},
          Unavailable("SSL certificate problem"), 1);
  handler(kube::Gvr{"kro.run", "v1alpha1", "resourcegraphdefinitions"},
          Unavailable("SSL certificate problem"), 3);
  std::string out = testing::internal::GetCapturedStdout() + testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find("resourcegraphdefinitions"), std::string::npos) << out;
  EXPECT_NE(out.find("SSL certificate problem"), std::string::npos) << out;
  EXPECT_NE(out.find("failed (1 time)"), std::string::npos) << out;
  EXPECT_EQ(out.find("3 times"), std::string::npos) << out;
}

}  // namespace
}  // namespace kro::controller
