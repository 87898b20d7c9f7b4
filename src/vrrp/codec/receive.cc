#include "vrrp/codec/receive.h"

namespace lvsd::vrrp {

std::optional<AdvertRx> receiveAdvert(std::span<const uint8_t> ipPayload, const RxMeta& meta,
                                      const DecodeOptions& options, auth::Authenticator* auth,
                                      auth::WallTime now, RejectCounters& counters) {
  DecodeOptions o = options;
  o.acceptTrailer = auth != nullptr;
  const auto advert = decode(ipPayload, meta, o);
  if (!advert) {
    counters.count(advert.error());
    return std::nullopt;
  }
  if (auth != nullptr) {
    const auto pdu = ipPayload.first(advert->pduSize(meta.src.family()));
    const auto verdict = auth->verify(
        pdu, advert->trailer, auth::PduContext{advert->version, advert->vrid, meta.src}, now);
    if (!verdict) {
      counters.count(verdict.error());
      return std::nullopt;
    }
  }
  return AdvertRx{advert->priority, advert->adverIntervalCs(), meta.src};
}

}  // namespace lvsd::vrrp
