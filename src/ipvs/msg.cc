#include "ipvs/msg.h"

#include <cstring>

#include "ipvs/nlattr.h"

namespace lvsd::ipvs::msg {

namespace {
// Generic netlink controller.
constexpr uint16_t kGenlIdCtrl = 0x10;
constexpr uint8_t kCtrlCmdGetFamily = 3;
constexpr uint16_t kCtrlAttrFamilyId = 1;
constexpr uint16_t kCtrlAttrFamilyName = 2;
constexpr uint8_t kIpvsVersion = 1;
// IPVS_CMD_*.
enum Cmd : uint8_t {
  kNewService = 1,
  kSetService,
  kDelService,
  kGetService,
  kNewDest,
  kSetDest,
  kDelDest,
  kGetDest,
  kNewDaemon,
  kDelDaemon,
  kGetDaemon,
  kSetConfig,
  kGetConfig,
  kSetInfo,
  kGetInfo,
  kZero,
  kFlush,
};
// IPVS_CMD_ATTR_*.
enum : uint16_t { kAttrService = 1, kAttrDest, kAttrDaemon, kAttrTcp, kAttrTcpFin, kAttrUdp };
// IPVS_SVC_ATTR_*.
enum : uint16_t {
  kSvcAf = 1,
  kSvcProto,
  kSvcAddr,
  kSvcPort,
  kSvcFwmark,
  kSvcSched,
  kSvcFlags,
  kSvcTimeout,
  kSvcNetmask,
  kSvcStats,
  kSvcPe,
  kSvcStats64,
  kSvcMax = kSvcStats64,
};
// IPVS_DEST_ATTR_*.
enum : uint16_t {
  kDstAddr = 1,
  kDstPort,
  kDstFwd,
  kDstWeight,
  kDstUThresh,
  kDstLThresh,
  kDstActive,
  kDstInact,
  kDstPersist,
  kDstStats,
  kDstAf,
  kDstStats64,
  kDstTunType,
  kDstTunPort,
  kDstTunFlags,
  kDstMax = kDstTunFlags,
};
// IPVS_DAEMON_ATTR_*.
enum : uint16_t {
  kDmState = 1,
  kDmIfn,
  kDmSyncId,
  kDmMaxLen,
  kDmGroup,
  kDmGroup6,
  kDmPort,
  kDmTtl,
  kDmMax = kDmTtl,
};
// IPVS_STATS_ATTR_*.
enum : uint16_t {
  kStConns = 1,
  kStInPkts,
  kStOutPkts,
  kStInBytes,
  kStOutBytes,
  kStCps,
  kStInPps,
  kStOutPps,
  kStInBps,
  kStOutBps,
  kStMax = kStOutBps
};
constexpr uint16_t kAfInet = 2;
constexpr uint16_t kAfInet6 = 10;

uint16_t afOf(Family f) { return f == Family::V6 ? kAfInet6 : kAfInet; }

nl::Writer request(std::vector<uint8_t>& out, uint16_t family, uint32_t seq, uint8_t cmd,
                   uint16_t extraFlags) {
  return nl::Writer(out, family, static_cast<uint16_t>(nl::kFlagRequest | extraFlags), seq, cmd,
                    kIpvsVersion);
}

void putAddr(nl::Writer& w, uint16_t type, const IpAddress& a) {
  w.bytes(type, std::span<const uint8_t>(a.bytes().data(), a.size()));
}

void putServiceKey(nl::Writer& w, const ServiceKey& k) {
  w.u16(kSvcAf, afOf(k.family));
  if (k.fwmark != 0) {
    w.u32(kSvcFwmark, k.fwmark);
  } else {
    w.u16(kSvcProto, static_cast<uint16_t>(k.protocol));
    putAddr(w, kSvcAddr, k.addr);
    w.be16(kSvcPort, k.port);
  }
}

void putService(nl::Writer& w, const Service& s, bool full) {
  const size_t n = w.beginNest(kAttrService);
  putServiceKey(w, s.key);
  if (full) {
    w.str(kSvcSched, s.scheduler);
    if (!s.peName.empty()) {
      w.str(kSvcPe, s.peName);
    }
    // struct ip_vs_flags { u32 flags; u32 mask; } in native order.
    const uint32_t flags = s.flags & kSvcUserFlags;
    const uint32_t mask = 0xffffffffU;
    uint8_t fl[8];
    std::memcpy(fl, &flags, 4);
    std::memcpy(fl + 4, &mask, 4);
    w.bytes(kSvcFlags, fl);
    w.u32(kSvcTimeout, s.timeout);
    if (s.key.family == Family::V6) {
      w.u32(kSvcNetmask, effectiveNetmask(s));
    } else {
      w.be32(kSvcNetmask, s.netmask);
    }
  }
  w.endNest(n);
}

void putDest(nl::Writer& w, const Destination& d) {
  const size_t n = w.beginNest(kAttrDest);
  w.u16(kDstAf, afOf(d.addr.family()));
  putAddr(w, kDstAddr, d.addr);
  w.be16(kDstPort, d.port);
  w.u32(kDstFwd, static_cast<uint32_t>(d.forward));
  w.u32(kDstWeight, static_cast<uint32_t>(d.weight));
  w.u32(kDstUThresh, d.upperThreshold);
  w.u32(kDstLThresh, d.lowerThreshold);
  if (d.forward == Forward::Tunnel) {
    w.u8(kDstTunType, static_cast<uint8_t>(d.tunnelType));
    w.be16(kDstTunPort, d.tunnelPort);
    w.u16(kDstTunFlags, d.tunnelFlags);
  }
  w.endNest(n);
}

void putDaemon(nl::Writer& w, const SyncDaemon& d, bool full) {
  const size_t n = w.beginNest(kAttrDaemon);
  w.u32(kDmState, static_cast<uint32_t>(d.state));
  if (full) {
    w.str(kDmIfn, d.interface);
    w.u32(kDmSyncId, d.syncId);
    if (d.maxLen != 0) {
      w.u16(kDmMaxLen, d.maxLen);
    }
    if (d.group) {
      putAddr(w, d.group->isV6() ? kDmGroup6 : kDmGroup, *d.group);
    }
    if (d.port != 0) {
      w.u16(kDmPort, d.port);
    }
    if (d.ttl != 0) {
      w.u8(kDmTtl, d.ttl);
    }
  }
  w.endNest(n);
}

Result<std::vector<nl::Attr>> attrs(std::span<const uint8_t> data, uint16_t max, const char* what) {
  std::vector<nl::Attr> t;
  if (!nl::parseAttrs(data, t, max)) {
    return fail(std::string("malformed netlink attributes in ") + what);
  }
  return t;
}

Result<IpAddress> getAddr(const nl::Attr& a, Family f, const char* what) {
  const size_t need = f == Family::V6 ? 16 : 4;
  if (a.data.size() < need) {
    return fail(std::string("short address in ") + what);
  }
  return IpAddress::fromBytes(f, a.data.data());
}

Result<Family> familyOf(const nl::Attr& a, const char* what) {
  uint16_t af = 0;
  if (!a.getU16(af) || (af != kAfInet && af != kAfInet6)) {
    return fail(std::string("missing or unknown address family in ") + what);
  }
  return af == kAfInet6 ? Family::V6 : Family::V4;
}

Stats parseStats(const nl::Attr& a, bool is64) {
  Stats s;
  std::vector<nl::Attr> t;
  if (!nl::parseAttrs(a.data, t, kStMax)) {
    return s;
  }
  uint64_t* const fields[] = {nullptr, &s.conns, &s.inPkts, &s.outPkts, &s.inBytes, &s.outBytes,
                              &s.cps,  &s.inPps, &s.outPps, &s.inBps,   &s.outBps};
  for (uint16_t i = kStConns; i <= kStMax; ++i) {
    if (t[i].data.empty()) {
      continue;
    }
    const bool wide = is64 || i == kStInBytes || i == kStOutBytes;
    if (wide) {
      (void)t[i].getU64(*fields[i]);
    } else {
      uint32_t v = 0;
      if (t[i].getU32(v)) {
        *fields[i] = v;
      }
    }
  }
  return s;
}

Result<Service> parseServiceAttrs(std::span<const uint8_t> data) {
  auto t = attrs(data, kSvcMax, "service");
  if (!t) {
    return Unexpected<Error>(t.error());
  }
  const auto& a = *t;
  Service s;
  auto fam = familyOf(a[kSvcAf], "service");
  if (!fam) {
    return Unexpected<Error>(fam.error());
  }
  s.key.family = *fam;
  if (!a[kSvcFwmark].data.empty()) {
    if (!a[kSvcFwmark].getU32(s.key.fwmark) || s.key.fwmark == 0) {
      return fail("bad fwmark in service");
    }
  } else {
    uint16_t proto = 0;
    if (!a[kSvcProto].getU16(proto) || !a[kSvcPort].getBe16(s.key.port)) {
      return fail("service without fwmark nor protocol/port");
    }
    s.key.protocol = static_cast<Protocol>(proto);
    auto addr = getAddr(a[kSvcAddr], s.key.family, "service");
    if (!addr) {
      return Unexpected<Error>(addr.error());
    }
    s.key.addr = *addr;
  }
  s.scheduler = std::string(a[kSvcSched].str());
  s.peName = std::string(a[kSvcPe].str());
  if (a[kSvcFlags].data.size() >= 4) {
    (void)a[kSvcFlags].getU32(s.flags);
  }
  (void)a[kSvcTimeout].getU32(s.timeout);
  if (s.key.family == Family::V6) {
    (void)a[kSvcNetmask].getU32(s.netmask);
  } else {
    (void)a[kSvcNetmask].getBe32(s.netmask);
  }
  if (!a[kSvcStats64].data.empty()) {
    s.stats = parseStats(a[kSvcStats64], true);
  } else if (!a[kSvcStats].data.empty()) {
    s.stats = parseStats(a[kSvcStats], false);
  }
  return s;
}

Result<Destination> parseDestAttrs(std::span<const uint8_t> data, Family svcFamily) {
  auto t = attrs(data, kDstMax, "destination");
  if (!t) {
    return Unexpected<Error>(t.error());
  }
  const auto& a = *t;
  Destination d;
  Family f = svcFamily;
  if (!a[kDstAf].data.empty()) {
    auto fam = familyOf(a[kDstAf], "destination");
    if (!fam) {
      return Unexpected<Error>(fam.error());
    }
    f = *fam;
  }
  auto addr = getAddr(a[kDstAddr], f, "destination");
  if (!addr) {
    return Unexpected<Error>(addr.error());
  }
  d.addr = *addr;
  uint32_t fwd = 0;
  uint32_t weight = 0;
  if (!a[kDstPort].getBe16(d.port) || !a[kDstFwd].getU32(fwd) || !a[kDstWeight].getU32(weight)) {
    return fail("destination without port, forwarding method or weight");
  }
  d.forward = static_cast<Forward>(fwd & 0x7U);
  d.weight = static_cast<int32_t>(weight);
  (void)a[kDstUThresh].getU32(d.upperThreshold);
  (void)a[kDstLThresh].getU32(d.lowerThreshold);
  uint8_t tt = 0;
  if (a[kDstTunType].getU8(tt)) {
    d.tunnelType = static_cast<TunnelType>(tt);
  }
  (void)a[kDstTunPort].getBe16(d.tunnelPort);
  (void)a[kDstTunFlags].getU16(d.tunnelFlags);
  (void)a[kDstActive].getU32(d.activeConns);
  (void)a[kDstInact].getU32(d.inactConns);
  (void)a[kDstPersist].getU32(d.persistConns);
  if (!a[kDstStats64].data.empty()) {
    d.stats = parseStats(a[kDstStats64], true);
  } else if (!a[kDstStats].data.empty()) {
    d.stats = parseStats(a[kDstStats], false);
  }
  return d;
}

Result<SyncDaemon> parseDaemonAttrs(std::span<const uint8_t> data) {
  auto t = attrs(data, kDmMax, "sync daemon");
  if (!t) {
    return Unexpected<Error>(t.error());
  }
  const auto& a = *t;
  SyncDaemon d;
  uint32_t st = 0;
  if (!a[kDmState].getU32(st) || (st != 1 && st != 2)) {
    return fail("sync daemon without a valid state");
  }
  d.state = static_cast<DaemonState>(st);
  d.interface = std::string(a[kDmIfn].str());
  (void)a[kDmSyncId].getU32(d.syncId);
  (void)a[kDmMaxLen].getU16(d.maxLen);
  if (a[kDmGroup6].data.size() >= 16) {
    d.group = IpAddress::fromBytes(Family::V6, a[kDmGroup6].data.data());
  } else if (a[kDmGroup].data.size() >= 4) {
    d.group = IpAddress::fromBytes(Family::V4, a[kDmGroup].data.data());
  }
  (void)a[kDmPort].getU16(d.port);
  (void)a[kDmTtl].getU8(d.ttl);
  return d;
}

// The nested attribute @p type of a message's top level.
Result<nl::Attr> nested(const Message& m, uint16_t type, const char* what) {
  auto t = attrs(m.attrs, kAttrUdp, what);
  if (!t) {
    return Unexpected<Error>(t.error());
  }
  if ((*t)[type].data.empty()) {
    return fail(std::string("message without ") + what);
  }
  return (*t)[type];
}
}  // namespace

bool Message::isError() const { return type == nl::kNlmsgError; }
bool Message::isDone() const { return type == nl::kNlmsgDone; }

Result<std::vector<Message>> split(std::span<const uint8_t> buf) {
  std::vector<Message> out;
  size_t pos = 0;
  while (pos + nl::kNlHdrLen <= buf.size()) {
    uint32_t len = 0;
    Message m;
    std::memcpy(&len, &buf[pos], 4);
    std::memcpy(&m.type, &buf[pos + 4], 2);
    std::memcpy(&m.flags, &buf[pos + 6], 2);
    std::memcpy(&m.seq, &buf[pos + 8], 4);
    if (len < nl::kNlHdrLen || len > buf.size() - pos) {
      return fail("truncated netlink message");
    }
    m.whole = buf.subspan(pos, len);
    if (m.type == nl::kNlmsgError) {
      if (len < nl::kNlHdrLen + 4) {
        return fail("truncated netlink error message");
      }
      std::memcpy(&m.error, &buf[pos + nl::kNlHdrLen], 4);
    } else if (m.type != nl::kNlmsgDone && m.type >= 0x10) {
      if (len < nl::kNlHdrLen + nl::kGenlHdrLen) {
        return fail("truncated generic netlink message");
      }
      m.cmd = buf[pos + nl::kNlHdrLen];
      m.attrs =
          buf.subspan(pos + nl::kNlHdrLen + nl::kGenlHdrLen, len - nl::kNlHdrLen - nl::kGenlHdrLen);
    }
    out.push_back(m);
    pos += nl::align4(len);
  }
  if (pos < buf.size() && buf.size() - pos >= nl::kNlHdrLen) {
    return fail("trailing bytes after netlink messages");
  }
  return out;
}

void appendOp(std::vector<uint8_t>& out, const IpvsOp& op, uint16_t family, uint32_t seq) {
  static constexpr uint8_t kCmds[] = {kNewService, kSetService, kDelService, kNewDest,   kSetDest,
                                      kDelDest,    kSetConfig,  kNewDaemon,  kDelDaemon, kFlush};
  auto w = request(out, family, seq, kCmds[static_cast<size_t>(op.kind)], nl::kFlagAck);
  switch (op.kind) {
    case OpKind::AddService:
    case OpKind::EditService:
      putService(w, op.svc, true);
      break;
    case OpKind::DelService:
      putService(w, op.svc, false);
      break;
    case OpKind::AddDest:
    case OpKind::EditDest:
    case OpKind::DelDest:
      putService(w, op.svc, false);
      putDest(w, op.dest);
      break;
    case OpKind::SetTimeouts:
      w.u32(kAttrTcp, op.timeouts.tcp);
      w.u32(kAttrTcpFin, op.timeouts.tcpFin);
      w.u32(kAttrUdp, op.timeouts.udp);
      break;
    case OpKind::StartDaemon:
      putDaemon(w, op.daemon, true);
      break;
    case OpKind::StopDaemon:
      putDaemon(w, op.daemon, false);
      break;
    case OpKind::Flush:
      break;
  }
  w.finish();
}

void appendDumpServices(std::vector<uint8_t>& out, uint16_t family, uint32_t seq) {
  request(out, family, seq, kGetService, nl::kFlagDump).finish();
}

void appendDumpDests(std::vector<uint8_t>& out, uint16_t family, uint32_t seq,
                     const ServiceKey& key) {
  auto w = request(out, family, seq, kGetDest, nl::kFlagDump);
  Service s;
  s.key = key;
  putService(w, s, false);
  w.finish();
}

void appendDumpDaemons(std::vector<uint8_t>& out, uint16_t family, uint32_t seq) {
  request(out, family, seq, kGetDaemon, nl::kFlagDump).finish();
}

void appendGetConfig(std::vector<uint8_t>& out, uint16_t family, uint32_t seq) {
  request(out, family, seq, kGetConfig, 0).finish();
}

void appendGetInfo(std::vector<uint8_t>& out, uint16_t family, uint32_t seq) {
  request(out, family, seq, kGetInfo, 0).finish();
}

void appendZero(std::vector<uint8_t>& out, uint16_t family, uint32_t seq) {
  auto w = request(out, family, seq, kZero, nl::kFlagAck);
  w.finish();
}

void appendGetFamily(std::vector<uint8_t>& out, uint32_t seq, std::string_view name) {
  nl::Writer w(out, kGenlIdCtrl, nl::kFlagRequest, seq, kCtrlCmdGetFamily, 1);
  w.str(kCtrlAttrFamilyName, name);
  w.finish();
}

Result<Service> parseService(const Message& m) {
  auto n = nested(m, kAttrService, "service");
  if (!n) {
    return Unexpected<Error>(n.error());
  }
  return parseServiceAttrs(n->data);
}

Result<Destination> parseDest(const Message& m) {
  auto n = nested(m, kAttrDest, "destination");
  if (!n) {
    return Unexpected<Error>(n.error());
  }
  return parseDestAttrs(n->data, Family::V4);
}

Result<SyncDaemon> parseDaemon(const Message& m) {
  auto n = nested(m, kAttrDaemon, "sync daemon");
  if (!n) {
    return Unexpected<Error>(n.error());
  }
  return parseDaemonAttrs(n->data);
}

Result<Timeouts> parseConfig(const Message& m) {
  auto t = attrs(m.attrs, kAttrUdp, "config");
  if (!t) {
    return Unexpected<Error>(t.error());
  }
  Timeouts to;
  if (!(*t)[kAttrTcp].getU32(to.tcp) || !(*t)[kAttrTcpFin].getU32(to.tcpFin) ||
      !(*t)[kAttrUdp].getU32(to.udp)) {
    return fail("config reply without the three timeouts");
  }
  return to;
}

Result<Info> parseInfo(const Message& m) {
  auto t = attrs(m.attrs, 2, "info");
  if (!t) {
    return Unexpected<Error>(t.error());
  }
  Info i;
  if (!(*t)[1].getU32(i.version)) {
    return fail("info reply without version");
  }
  (void)(*t)[2].getU32(i.connTabSize);
  return i;
}

Result<uint16_t> parseFamilyId(const Message& m) {
  auto t = attrs(m.attrs, kCtrlAttrFamilyName, "family reply");
  if (!t) {
    return Unexpected<Error>(t.error());
  }
  uint16_t id = 0;
  if (!(*t)[kCtrlAttrFamilyId].getU16(id)) {
    return fail("family reply without an id");
  }
  return id;
}

Result<IpvsOp> parseRequest(const Message& m) {
  IpvsOp op;
  auto top = attrs(m.attrs, kAttrUdp, "request");
  if (!top) {
    return Unexpected<Error>(top.error());
  }
  const auto& t = *top;
  auto withService = [&](OpKind k) -> Result<IpvsOp> {
    auto s = parseServiceAttrs(t[kAttrService].data);
    if (!s) {
      return Unexpected<Error>(s.error());
    }
    op.kind = k;
    op.svc = *s;
    return op;
  };
  auto withDest = [&](OpKind k) -> Result<IpvsOp> {
    auto r = withService(k);
    if (!r) {
      return r;
    }
    auto d = parseDestAttrs(t[kAttrDest].data, op.svc.key.family);
    if (!d) {
      return Unexpected<Error>(d.error());
    }
    op.dest = *d;
    return op;
  };
  switch (m.cmd) {
    case kNewService:
      return withService(OpKind::AddService);
    case kSetService:
      return withService(OpKind::EditService);
    case kDelService:
      return withService(OpKind::DelService);
    case kNewDest:
      return withDest(OpKind::AddDest);
    case kSetDest:
      return withDest(OpKind::EditDest);
    case kDelDest:
      return withDest(OpKind::DelDest);
    case kSetConfig: {
      auto to = parseConfig(m);
      if (!to) {
        return Unexpected<Error>(to.error());
      }
      op.kind = OpKind::SetTimeouts;
      op.timeouts = *to;
      return op;
    }
    case kNewDaemon:
    case kDelDaemon: {
      auto d = parseDaemonAttrs(t[kAttrDaemon].data);
      if (!d) {
        return Unexpected<Error>(d.error());
      }
      op.kind = m.cmd == kNewDaemon ? OpKind::StartDaemon : OpKind::StopDaemon;
      op.daemon = *d;
      return op;
    }
    case kFlush:
      op.kind = OpKind::Flush;
      return op;
    default:
      return fail("unknown IPVS command " + std::to_string(m.cmd));
  }
}

}  // namespace lvsd::ipvs::msg
