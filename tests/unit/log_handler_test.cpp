// Tests for the log handler's line format.
#include "handlers/log_handler.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_data.hpp"

namespace webhookd {
namespace {

using testing::ReadSampleEvent;

Event DecodeOk(std::string_view json) {
  Result<Event> event = DecodeEvent(json);
  EXPECT_TRUE(event.ok()) << (event.ok() ? "" : event.error().detail);
  return event.ok() ? std::move(event).value() : Event{};
}

TEST(FormatEventLine, PaymentShowsAmountAndState) {
  const Event event = DecodeOk(ReadSampleEvent("payment.paid.json"));
  EXPECT_EQ(FormatEventLine("audit", event),
            "handler=audit event=EVYK7KCFJAXA23UKSG type=payment.paid resource=payment:PPH25H07JYWLR7PA82"
            " amount=1000 state=paid");
}

TEST(FormatEventLine, CustomerHasNeitherAmountNorState) {
  const Event event = DecodeOk(ReadSampleEvent("customer.created.json"));
  EXPECT_EQ(FormatEventLine("audit", event),
            "handler=audit event=EVCU7JRN6W6K3DA9 type=customer.created resource=customer:CU7JRN6W6K3DA9");
}

TEST(FormatEventLine, PaymentWithoutAmountShowsOnlyState) {
  const Event event = DecodeOk(
      R"({"id":"EVPAY1234","event_type":"payment.created","created_at":"2024-01-01T00:00:00Z",)"
      R"("payload":{"id":"PP1234","type":"payment","state":"open"}})");
  EXPECT_EQ(FormatEventLine("log", event),
            "handler=log event=EVPAY1234 type=payment.created resource=payment:PP1234 state=open");
}

TEST(FormatEventLine, UnknownResourceKeepsTypeAndId) {
  const Event event = DecodeOk(
      R"({"id":"EVVOUCHER1","event_type":"voucher.issued","created_at":"2024-01-01T00:00:00Z",)"
      R"("payload":{"id":"VO123","type":"voucher","amount":500,"state":"issued"}})");
  EXPECT_EQ(FormatEventLine("log", event),
            "handler=log event=EVVOUCHER1 type=voucher.issued resource=voucher:VO123");
}

TEST(FormatEventLine, MissingPayloadShowsDashes) {
  const Event event =
      DecodeOk(R"({"id":"EVNOPAY1","event_type":"account.updated","created_at":"2024-01-01T00:00:00Z"})");
  EXPECT_EQ(FormatEventLine("log", event), "handler=log event=EVNOPAY1 type=account.updated resource=-:-");
}

TEST(LogHandler, RunsAfterCommitAndSucceeds) {
  LogHandler handler(HandlerSettings{"audit", {}, {}});
  EXPECT_EQ(handler.name(), "audit");
  EXPECT_EQ(handler.phase(), HandlerPhase::kAfterCommit);
  const std::string json = ReadSampleEvent("payment.paid.json");
  const Event event = DecodeOk(json);
  Result<EventFields> fields = EventFields::Parse(json);
  ASSERT_TRUE(fields.ok());
  const HandlerOutcome outcome = handler.Handle(HandlerCall{event, *fields, nullptr});
  EXPECT_EQ(outcome.kind, HandlerOutcome::Kind::kDone);
  EXPECT_EQ(outcome.error, "");
}

}  // namespace
}  // namespace webhookd
