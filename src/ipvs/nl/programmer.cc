#include "ipvs/nl/programmer.h"

#include <algorithm>
#include <map>
#include <set>

#include "ipvs/errors.h"
#include "ipvs/nl/socket.h"

namespace lvsd::ipvs {

Result<std::unique_ptr<Programmer>> Programmer::open() {
  auto s = nl::GenlSocket::open();
  if (!s) {
    return Unexpected<Error>(s.error());
  }
  std::unique_ptr<Programmer> p(new Programmer());
  p->sock_ = std::move(*s);
  return p;
}

Programmer::~Programmer() = default;

Result<std::vector<Destination>> Programmer::readDests(const ServiceKey& key) {
  std::vector<Destination> out;
  std::vector<uint8_t> req;
  const uint32_t seq = sock_->nextSeq();
  msg::appendDumpDests(req, sock_->family(), seq, key);
  std::string parseErr;
  auto r = sock_->request(req, seq, [&](const msg::Message& m) {
    auto d = msg::parseDest(m);
    if (d) {
      out.push_back(std::move(*d));
    } else if (parseErr.empty()) {
      parseErr = d.error().message;
    }
  });
  if (!r) {
    return fail("dump destinations of " + toString(key) + ": " + r.error().message, r.error().code);
  }
  if (!parseErr.empty()) {
    return fail("dump destinations of " + toString(key) + ": " + parseErr);
  }
  return out;
}

Result<Table> Programmer::readKernel() {
  Table t;
  std::vector<uint8_t> req;
  uint32_t seq = sock_->nextSeq();
  msg::appendDumpServices(req, sock_->family(), seq);
  std::string parseErr;
  auto r = sock_->request(req, seq, [&](const msg::Message& m) {
    auto s = msg::parseService(m);
    if (s) {
      t.services.push_back(std::move(*s));
    } else if (parseErr.empty()) {
      parseErr = s.error().message;
    }
  });
  if (!r) {
    return fail("dump services: " + r.error().message, r.error().code);
  }
  for (auto& svc : t.services) {
    req.clear();
    seq = sock_->nextSeq();
    msg::appendDumpDests(req, sock_->family(), seq, svc.key);
    r = sock_->request(req, seq, [&](const msg::Message& m) {
      auto d = msg::parseDest(m);
      if (d) {
        svc.dests.push_back(std::move(*d));
      } else if (parseErr.empty()) {
        parseErr = d.error().message;
      }
    });
    if (!r) {
      return fail("dump destinations of " + toString(svc.key) + ": " + r.error().message,
                  r.error().code);
    }
  }
  req.clear();
  seq = sock_->nextSeq();
  msg::appendGetConfig(req, sock_->family(), seq);
  r = sock_->request(req, seq, [&](const msg::Message& m) {
    if (auto to = msg::parseConfig(m)) {
      t.timeouts = *to;
    }
  });
  if (!r) {
    return fail("get timeouts: " + r.error().message, r.error().code);
  }
  req.clear();
  seq = sock_->nextSeq();
  msg::appendDumpDaemons(req, sock_->family(), seq);
  r = sock_->request(req, seq, [&](const msg::Message& m) {
    if (auto d = msg::parseDaemon(m)) {
      t.daemons.push_back(std::move(*d));
    }
  });
  if (!r) {
    return fail("dump sync daemons: " + r.error().message, r.error().code);
  }
  if (!parseErr.empty()) {
    return fail("unexpected kernel reply: " + parseErr);
  }
  cache_ = t;
  haveCache_ = true;
  return t;
}

Result<std::vector<OpResult>> Programmer::applyOps(const std::vector<IpvsOp>& ops) {
  std::vector<OpResult> out;
  if (ops.empty()) {
    return out;
  }
  std::vector<uint8_t> buf;
  buf.reserve(ops.size() * 128);
  const uint32_t first = sock_->nextSeq();
  for (size_t i = 0; i < ops.size(); ++i) {
    msg::appendOp(buf, ops[i], sock_->family(), first + static_cast<uint32_t>(i));
    if (i + 1 < ops.size()) {
      (void)sock_->nextSeq();
    }
  }
  auto res = sock_->transact(buf, first, ops.size());
  if (!res) {
    haveCache_ = false;  // unknown what the kernel took
    return Unexpected<Error>(res.error());
  }
  out.reserve(ops.size());
  std::vector<IpvsOp> ok;
  ok.reserve(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    OpResult r{ops[i], (*res)[i], {}};
    if (r.error != 0) {
      r.message = explain(ops[i], r.error);
    } else {
      ok.push_back(ops[i]);
    }
    out.push_back(std::move(r));
  }
  if (haveCache_) {
    applyTo(cache_, ok);
  }
  return out;
}

ApplyReport Programmer::sync(const Table& desiredIn, const Scope& scope, bool refresh) {
  ApplyReport rep;
  if (refresh || !haveCache_) {
    auto k = readKernel();
    if (!k) {
      rep.errors.push_back(k.error().message);
      return rep;
    }
  }
  // Validate per service: an invalid service is reported and left as the kernel has it.
  std::set<ServiceKey> seen;
  std::set<ServiceKey> rejected;
  std::vector<const Service*> dropped;
  for (const auto& s : desiredIn.services) {
    auto errs = validateService(s);
    if (!seen.insert(s.key).second) {
      errs.push_back(toString(s.key) + ": duplicate service (first definition kept)");
      dropped.push_back(&s);
    } else if (!errs.empty()) {
      rejected.insert(s.key);
      dropped.push_back(&s);
    }
    if (!errs.empty()) {
      rep.errors.insert(rep.errors.end(), errs.begin(), errs.end());
      rep.failed.push_back({s.key, errs.front(), false});
    }
  }
  Table filtered;
  if (!dropped.empty()) {
    filtered = desiredIn;
    filtered.services.clear();
    std::set<ServiceKey> taken;
    for (const auto& s : desiredIn.services) {
      if (rejected.count(s.key) == 0 && taken.insert(s.key).second) {
        filtered.services.push_back(s);
      }
    }
    for (const auto& k : cache_.services) {
      if (rejected.count(k.key) != 0) {
        filtered.services.push_back(k);  // keep it as the kernel has it
      }
    }
  }
  const Table& desired = dropped.empty() ? desiredIn : filtered;
  const auto ops = diff(cache_, desired, scope);
  // Snapshot (for rollback) only the services the ops touch.
  Table before;
  {
    std::set<ServiceKey> touched;
    for (const auto& op : ops) {
      if (op.isServiceOp()) {
        touched.insert(op.svc.key);
      }
    }
    for (const auto& s : cache_.services) {
      if (touched.count(s.key) != 0) {
        before.services.push_back(s);
      }
    }
  }
  auto res = applyOps(ops);
  rep.opsSent += ops.size();
  if (!res) {
    rep.errors.push_back(res.error().message);
    return rep;
  }
  rep.results = std::move(*res);
  // Per failed service: undo what of it did apply.
  std::map<ServiceKey, std::vector<IpvsOp>> applied;
  std::map<ServiceKey, std::string> firstError;
  for (const auto& r : rep.results) {
    if (!r.op.isServiceOp()) {
      if (r.error != 0) {
        rep.errors.push_back(r.message);
      }
      continue;
    }
    if (r.error != 0) {
      if (!firstError.count(r.op.svc.key)) {
        firstError[r.op.svc.key] = r.message;
        rep.errors.push_back(r.message);
      }
    } else {
      applied[r.op.svc.key].push_back(r.op);
    }
  }
  for (const auto& [key, message] : firstError) {
    auto undo = inverse(applied[key], before);
    bool rolledBack = true;
    if (!undo.empty()) {
      auto u = applyOps(undo);
      rep.opsSent += undo.size();
      rolledBack =
          u && std::all_of(u->begin(), u->end(), [](const OpResult& r) { return r.error == 0; });
      if (!rolledBack) {
        rep.errors.push_back(toString(key) + ": rollback incomplete");
        haveCache_ = false;
      }
    }
    rep.failed.push_back({key, message, rolledBack});
  }
  return rep;
}

Result<msg::Info> Programmer::info() {
  std::vector<uint8_t> req;
  const uint32_t seq = sock_->nextSeq();
  msg::appendGetInfo(req, sock_->family(), seq);
  Result<msg::Info> out = fail("no info reply");
  auto r = sock_->request(req, seq, [&](const msg::Message& m) { out = msg::parseInfo(m); });
  if (!r) {
    return Unexpected<Error>(r.error());
  }
  return out;
}

Result<void> Programmer::zeroCounters() {
  std::vector<uint8_t> req;
  const uint32_t seq = sock_->nextSeq();
  msg::appendZero(req, sock_->family(), seq);
  return sock_->request(req, seq, [](const msg::Message&) {});
}

}  // namespace lvsd::ipvs
