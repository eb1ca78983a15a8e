// Tests for which field paths can exist in the events a handler takes.
#include "config/field_path_check.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace webhookd {
namespace {

using Patterns = std::vector<std::string>;

std::string Why(std::string_view path, const Patterns& patterns) {
  return WhyFieldCannotExist(path, patterns).value_or("(can exist)");
}

TEST(FieldPathCheck, AcceptsEnvelopeFieldsForAnyPattern) {
  for (const char* path : {"id", "type", "event_type", "created_at", "payload"}) {
    EXPECT_EQ(Why(path, {"payment.paid"}), "(can exist)") << path;
  }
}

TEST(FieldPathCheck, RejectsOtherRootsAndPathsUnderScalars) {
  EXPECT_EQ(Why("amount", {"*"}),
            "cannot exist: an event has only id, type, event_type, created_at and payload");
  EXPECT_EQ(Why("payloads.id", {"*"}),
            "cannot exist: an event has only id, type, event_type, created_at and payload");
  EXPECT_EQ(Why("id.x", {"*"}), "cannot exist: id is not an object");
}

TEST(FieldPathCheck, ChecksFirstPayloadKeyAgainstMatchedKinds) {
  EXPECT_EQ(Why("payload.amount", {"payment.paid"}), "(can exist)");
  EXPECT_EQ(Why("payload.pay_method.id", {"payment.*"}), "(can exist)");
  EXPECT_EQ(Why("payload.amout", {"payment.paid"}),
            "cannot exist for payment events (fields: id, type, amount, currency, description, "
            "state, refunded_amount, pay_method, metadata, paid_at, created_at)");
  EXPECT_EQ(Why("payload.email", {"payment.*", "refund.created"}),
            "cannot exist for payment or refund events (fields: id, type, amount, currency, "
            "description, state, refunded_amount, pay_method, metadata, paid_at, created_at, "
            "payment, reason)");
  EXPECT_EQ(Why("payload.email", {"payment.paid", "customer.*"}), "(can exist)");
  EXPECT_TRUE(Why("payload.email", {"payout.*", "refund.*", "payment.*"})
                  .starts_with("cannot exist for payment, refund or payout events (fields: "));
}

TEST(FieldPathCheck, AcceptsAnyKindsFieldForStar) {
  EXPECT_EQ(Why("payload.installment_plan", {"*"}), "(can exist)");
  const std::string why = Why("payload.amout", {"*"});
  EXPECT_TRUE(why.starts_with("cannot exist for any event (fields: id, type, amount, ")) << why;
  EXPECT_NE(why.find(", installment_plan)"), std::string::npos) << why;
}

TEST(FieldPathCheck, LeavesMetadataAndUnknownResourcesFree) {
  EXPECT_EQ(Why("payload.metadata.anything.at.all", {"refund.*"}), "(can exist)");
  EXPECT_EQ(Why("payload.metadata", {"payout.paid"}), "(can exist)");
  EXPECT_EQ(Why("payload.whatever", {"payment.paid", "invoice.*"}), "(can exist)");
}

}  // namespace
}  // namespace webhookd
