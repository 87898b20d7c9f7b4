#include "vrrp/codec/reject_reason.h"

namespace lvsd::vrrp {

std::string_view rejectReasonName(RejectReason r) {
  switch (r) {
    case RejectReason::Truncated:
      return "truncated";
    case RejectReason::BadLength:
      return "bad_length";
    case RejectReason::BadTtl:
      return "bad_ttl";
    case RejectReason::BadVersion:
      return "bad_version";
    case RejectReason::BadType:
      return "bad_type";
    case RejectReason::BadChecksum:
      return "bad_checksum";
    case RejectReason::VridMismatch:
      return "vrid_mismatch";
    case RejectReason::AddrCount:
      return "addr_count";
    case RejectReason::AddrListMismatch:
      return "addr_list_mismatch";
    case RejectReason::IntervalMismatch:
      return "interval_mismatch";
    case RejectReason::AuthType:
      return "auth_type";
    case RejectReason::AuthPass:
      return "auth_pass";
    case RejectReason::HmacMissing:
      return "hmac_missing";
    case RejectReason::HmacInvalid:
      return "hmac_invalid";
    case RejectReason::HmacUnknownKey:
      return "hmac_unknown_key";
    case RejectReason::HmacStale:
      return "hmac_stale";
    case RejectReason::HmacReplay:
      return "hmac_replay";
    case RejectReason::kCount:
      break;
  }
  return "unknown";
}

}  // namespace lvsd::vrrp
