// Base64url encoding and strict decoding of list cursors.
#include "sandbox/list_cursor.hpp"

#include <charconv>

namespace webhookd::sandbox {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int SextetOf(char c) {
  const size_t at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3f]);
  return out;
}

bool Base64UrlDecode(std::string_view text, std::string& out) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return false;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int sextet = SextetOf(c);
    if (sextet < 0) return false;
    buffer = (buffer << 6) | static_cast<uint32_t>(sextet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return true;
}

Error BadCursor() { return MakeError(ErrorCode::kBadRequest, "invalid cursor"); }

}  // namespace

std::string EncodeCursor(const ListCursor& cursor) {
  const char direction = cursor.direction == ListCursor::Direction::kOlder ? 'n' : 'p';
  return Base64UrlEncode(std::string{direction, ':'} + std::to_string(cursor.sequence));
}

Result<ListCursor> DecodeCursor(std::string_view text) {
  std::string plain;
  if (text.empty() || text.size() > 64 || !Base64UrlDecode(text, plain)) return BadCursor();
  if (plain.size() < 3 || plain[1] != ':' || (plain[0] != 'n' && plain[0] != 'p')) {
    return BadCursor();
  }
  ListCursor cursor;
  cursor.direction =
      plain[0] == 'n' ? ListCursor::Direction::kOlder : ListCursor::Direction::kNewer;
  const char* begin = plain.data() + 2;
  const char* end = plain.data() + plain.size();
  const auto [stop, error] = std::from_chars(begin, end, cursor.sequence);
  if (error != std::errc() || stop != end) return BadCursor();
  return cursor;
}

}  // namespace webhookd::sandbox
