#include "daemon/config_codec.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <variant>

namespace lvsd::daemon {

namespace {

using namespace lvsd::config;

// Each struct's fields are listed once, in fields(); Writer and Reader walk that list. A field
// added to config/model.h without a line here would silently not reach the children: the sizes
// below catch that at compile time (x86-64 libstdc++; update both when the model grows).
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(Global) == 488, "config::Global changed: update config_codec.cc");
static_assert(sizeof(VrrpScript) == 160, "config::VrrpScript changed: update config_codec.cc");
static_assert(sizeof(TrackFile) == 72, "config::TrackFile changed: update config_codec.cc");
static_assert(sizeof(TrackProcess) == 112, "config::TrackProcess changed: update config_codec.cc");
static_assert(sizeof(CheckScript) == 120, "config::CheckScript changed: update config_codec.cc");
static_assert(sizeof(VrrpInstance) == 680, "config::VrrpInstance changed: update config_codec.cc");
static_assert(sizeof(SyncGroup) == 216, "config::SyncGroup changed: update config_codec.cc");
static_assert(sizeof(VirtualServer) == 320,
              "config::VirtualServer changed: update config_codec.cc");
static_assert(sizeof(RealServer) == 176, "config::RealServer changed: update config_codec.cc");
static_assert(sizeof(Check) == 856, "config::Check changed: update config_codec.cc");
static_assert(sizeof(HttpCheck) == 368, "config::HttpCheck changed: update config_codec.cc");
static_assert(sizeof(Config) == 688, "config::Config changed: update config_codec.cc");
static_assert(sizeof(Endpoint) == 20, "config::Endpoint changed: update config_codec.cc");
static_assert(sizeof(VirtualIp) == 88, "config::VirtualIp changed: update config_codec.cc");
static_assert(sizeof(TrackRef) == 48, "config::TrackRef changed: update config_codec.cc");
static_assert(sizeof(HmacKey) == 40, "config::HmacKey changed: update config_codec.cc");
static_assert(sizeof(Digest) == 32, "config::Digest changed: update config_codec.cc");
static_assert(sizeof(Feedback) == 40, "config::Feedback changed: update config_codec.cc");
static_assert(sizeof(Tunnel) == 12, "config::Tunnel changed: update config_codec.cc");
#endif

class Writer {
public:
  explicit Writer(std::string& out) : out_(out) {}

  void varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void raw(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }

  template <class... T>
  void operator()(const T&... v) {
    (put(v), ...);
  }

  template <class T>
  void put(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      out_.push_back(v ? '\1' : '\0');
    } else if constexpr (std::is_enum_v<T>) {
      varint(static_cast<uint64_t>(v));
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const auto s = static_cast<int64_t>(v);
      varint((static_cast<uint64_t>(s) << 1) ^ static_cast<uint64_t>(s >> 63));
    } else if constexpr (std::is_integral_v<T>) {
      varint(v);
    } else if constexpr (std::is_same_v<T, double>) {
      char b[sizeof(double)];
      std::memcpy(b, &v, sizeof b);
      out_.append(b, sizeof b);
    } else if constexpr (std::is_same_v<T, Duration>) {
      put(static_cast<int64_t>(v.count()));
    } else if constexpr (std::is_same_v<T, std::string>) {
      raw(v);
    } else if constexpr (std::is_same_v<T, std::vector<uint8_t>>) {
      raw(std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
    } else if constexpr (std::is_same_v<T, IpAddress>) {
      put(v.family());
      out_.append(reinterpret_cast<const char*>(v.bytes().data()), v.size());
    } else {
      // Structs: fields() takes a mutable reference so Reader can share the list.
      fields(*this, const_cast<T&>(v));
    }
  }
  template <class T>
  void put(const std::optional<T>& v) {
    put(v.has_value());
    if (v) {
      put(*v);
    }
  }
  template <class T>
  void put(const std::vector<T>& v) {
    varint(v.size());
    for (const auto& e : v) {
      put(e);
    }
  }
  void put(const std::vector<uint8_t>& v) {
    raw(std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
  }

private:
  std::string& out_;
};

class Reader {
public:
  explicit Reader(std::string_view in) : in_(in) {}

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] bool atEnd() const { return pos_ == in_.size(); }
  [[nodiscard]] size_t remaining() const { return in_.size() - pos_; }
  void failWith() { ok_ = false; }

  uint64_t varint() {
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) {
        ok_ = false;
        return 0;
      }
      const auto b = static_cast<uint8_t>(in_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    ok_ = false;
    return 0;
  }
  std::string_view take(size_t n) {
    if (!ok_ || n > remaining()) {
      ok_ = false;
      return {};
    }
    auto s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string_view raw() { return take(static_cast<size_t>(varint())); }
  /// A count of elements that each take at least one byte.
  size_t count() {
    const uint64_t n = varint();
    if (n > remaining()) {
      ok_ = false;
      return 0;
    }
    return static_cast<size_t>(n);
  }

  template <class... T>
  void operator()(T&... v) {
    (get(v), ...);
  }

  template <class T>
  void get(T& v) {
    if (!ok_) {
      return;
    }
    if constexpr (std::is_same_v<T, bool>) {
      const auto s = take(1);
      v = ok_ && s[0] != '\0';
    } else if constexpr (std::is_enum_v<T>) {
      using U = std::underlying_type_t<T>;
      v = static_cast<T>(narrow<U>(varint()));
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const uint64_t z = varint();
      const auto s = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
      if (s < std::numeric_limits<T>::min() || s > std::numeric_limits<T>::max()) {
        ok_ = false;
        return;
      }
      v = static_cast<T>(s);
    } else if constexpr (std::is_integral_v<T>) {
      v = narrow<T>(varint());
    } else if constexpr (std::is_same_v<T, double>) {
      const auto s = take(sizeof(double));
      if (ok_) {
        std::memcpy(&v, s.data(), sizeof(double));
      }
    } else if constexpr (std::is_same_v<T, Duration>) {
      int64_t c = 0;
      get(c);
      v = Duration(c);
    } else if constexpr (std::is_same_v<T, std::string>) {
      v = std::string(raw());
    } else if constexpr (std::is_same_v<T, IpAddress>) {
      Family f = Family::V4;
      get(f);
      if (f != Family::V4 && f != Family::V6) {
        ok_ = false;
        return;
      }
      const auto b = take(f == Family::V4 ? 4 : 16);
      if (ok_) {
        v = IpAddress::fromBytes(f, reinterpret_cast<const uint8_t*>(b.data()));
      }
    } else {
      fields(*this, v);
    }
  }
  template <class T>
  void get(std::optional<T>& v) {
    bool has = false;
    get(has);
    if (!ok_ || !has) {
      v.reset();
      return;
    }
    T t{};
    get(t);
    v = std::move(t);
  }
  template <class T>
  void get(std::vector<T>& v) {
    const size_t n = count();
    v.clear();
    v.reserve(std::min<size_t>(n, 256));  // n is bounded by the bytes left, not by sizeof(T)
    for (size_t i = 0; i < n && ok_; ++i) {
      get(v.emplace_back());
    }
  }
  void get(std::vector<uint8_t>& v) {
    const auto s = raw();
    v.assign(reinterpret_cast<const uint8_t*>(s.data()),
             reinterpret_cast<const uint8_t*>(s.data()) + s.size());
  }

private:
  template <class T>
  T narrow(uint64_t v) {
    if (v > static_cast<uint64_t>(std::numeric_limits<T>::max())) {
      ok_ = false;
      return T{};
    }
    return static_cast<T>(v);
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// ---------------------------------------------------------------- field lists (model.h order)

template <class A>
void fields(A& a, Endpoint& v) {
  a(v.address, v.port);
}
template <class A>
void fields(A& a, IpvsSyncDaemon& v) {
  a(v.state, v.interface, v.sync_id, v.vrrp_instance, v.mcast_group, v.mcast_port, v.mcast_ttl,
    v.max_packet_size);
}
template <class A>
void fields(A& a, IpvsTimeouts& v) {
  a(v.tcp, v.tcp_fin, v.udp);
}
template <class A>
void fields(A& a, Prometheus& v) {
  a(v.enabled, v.listen);
}
template <class A>
void fields(A& a, Snmp& v) {
  a(v.enabled, v.agentx_socket);
}
template <class A>
void fields(A& a, Global& v) {
  a(v.router_id, v.script_user, v.notify_fifo, v.notify_fifo_script, v.vrrp_rt_priority,
    v.vrrp_priority, v.checker_priority, v.control_socket, v.control_socket_mode,
    v.control_socket_group, v.log_target, v.log_level, v.syslog_facility, v.pid_file,
    v.ipvs_sync_daemon, v.ipvs_timeouts, v.prometheus, v.snmp);
}
template <class A>
void fields(A& a, VrrpScript& v) {
  a(v.name, v.path, v.args, v.interval, v.timeout, v.weight, v.rise, v.fall, v.user, v.init_fail);
}
template <class A>
void fields(A& a, TrackFile& v) {
  a(v.name, v.path, v.weight, v.init_file);
}
template <class A>
void fields(A& a, TrackProcess& v) {
  a(v.name, v.process, v.params, v.param_match, v.quorum, v.quorum_max, v.weight, v.delay);
}
template <class A>
void fields(A& a, CheckScript& v) {
  a(v.name, v.path, v.args, v.user);
}
template <class A>
void fields(A& a, HmacKey& v) {
  a(v.id, v.secret);
}
template <class A>
void fields(A& a, Authentication& v) {
  a(v.type, v.password, v.keys, v.active_key, v.anti_replay, v.freshness, v.mode);
}
template <class A>
void fields(A& a, VirtualIp& v) {
  a(v.address, v.prefix_len, v.dev, v.label);
}
template <class A>
void fields(A& a, TrackRef& v) {
  a(v.name, v.weight, v.reverse);
}
template <class A>
void fields(A& a, Garp& v) {
  a(v.master_delay, v.master_repeat, v.master_refresh, v.master_refresh_repeat, v.lower_prio_delay,
    v.lower_prio_repeat, v.interval, v.na_interval);
}
template <class A>
void fields(A& a, Notify& v) {
  a(v.master, v.backup, v.fault, v.stop, v.any);
}
template <class A>
void fields(A& a, VrrpInstance& v) {
  a(v.name, v.interface, v.vrid, v.priority, v.version, v.family, v.initial_state, v.advert_int,
    v.accept, v.preempt, v.preempt_delay, v.vips, v.vips_excluded, v.source_address,
    v.unicast_peers, v.auth, v.track_interfaces, v.track_scripts, v.track_files, v.track_processes,
    v.notify, v.garp, v.use_vmac, v.vmac_name, v.vmac_xmit_base, v.sync_group);
}
template <class A>
void fields(A& a, SyncGroup& v) {
  a(v.name, v.members, v.notify);
}
template <class A>
void fields(A& a, SchedulerFlags& v) {
  a(v.flag1, v.flag2, v.flag3);
}
template <class A>
void fields(A& a, Tunnel& v) {
  a(v.type, v.port, v.nocsum, v.csum, v.remcsum);
}
template <class A>
void fields(A& a, Feedback& v) {
  a(v.enabled, v.response_time_ratio, v.agent_ratio, v.adjust_factor, v.scale, v.change_threshold);
}
template <class A>
void fields(A& a, StatusRange& v) {
  a(v.low, v.high);
}
template <class A>
void fields(A& a, Digest& v) {
  a(v.algorithm, v.value);
}
template <class A>
void fields(A& a, HttpCheck& v) {
  a(v.method, v.path, v.host, v.headers, v.body, v.status, v.digest, v.body_regex, v.max_body_size,
    v.sni, v.verify, v.ca_file, v.client_cert, v.client_key);
}
template <class A>
void fields(A& a, UdpCheck& v) {
  a(v.payload, v.expect, v.require_reply);
}
template <class A>
void fields(A& a, DnsCheck& v) {
  a(v.name, v.type, v.rcode, v.expect);
}
template <class A>
void fields(A& a, AgentCheck& v) {
  a(v.port, v.send);
}
template <class A>
void fields(A& a, ScriptCheck& v) {
  a(v.script, v.path, v.args, v.user);
}
template <class A>
void fields(A& a, FileCheck& v) {
  a(v.path, v.invert);
}
template <class A>
void fields(A& a, Check& v) {
  a(v.type, v.interval, v.timeout, v.rise, v.fall, v.fast_interval, v.down_interval, v.retries,
    v.retry_delay, v.connect_address, v.connect_port, v.bind_address, v.http, v.udp, v.dns, v.agent,
    v.script, v.file);
}
template <class A>
void fields(A& a, RealServer& v) {
  a(v.endpoint, v.weight, v.forwarding, v.u_threshold, v.l_threshold, v.inhibit_on_failure,
    v.slow_start, v.feedback, v.notify_up, v.notify_down, v.checks);
}
template <class A>
void fields(A& a, VirtualServer& v) {
  a(v.name, v.endpoint, v.protocol, v.fwmark, v.family, v.scheduler, v.scheduler_flags,
    v.load_factor, v.persistence_timeout, v.persistence_prefix, v.one_packet, v.forwarding,
    v.tunnel, v.quorum, v.hysteresis, v.quorum_up, v.quorum_down, v.sorry_server,
    v.sorry_server_inhibit, v.inhibit_on_failure, v.alpha, v.omega, v.on_stop, v.delay_loop,
    v.virtualhost, v.real_servers);
}

// ---------------------------------------------------------------- sections

constexpr std::string_view kMagic = "LVC1";
constexpr size_t kPlainSections = 8;  // every section bit below kVirtualServers

template <class A, class C>
void codeSection(A& a, C& c, size_t i) {
  switch (i) {
    case 0:
      a(c.source_file);
      break;
    case 1:
      a(c.global);
      break;
    case 2:
      a(c.vrrp_scripts);
      break;
    case 3:
      a(c.track_files);
      break;
    case 4:
      a(c.track_processes);
      break;
    case 5:
      a(c.check_scripts);
      break;
    case 6:
      a(c.vrrp_instances);
      break;
    default:
      a(c.sync_groups);
      break;
  }
}

template <class T>
std::string encodeOne(const T& v) {
  std::string out;
  Writer w(out);
  w.put(v);
  return out;
}

}  // namespace

namespace {

bool sectionEqual(const config::Config& a, const config::Config& b, size_t i) {
  switch (i) {
    case 0:
      return a.source_file == b.source_file;
    case 1:
      return a.global == b.global;
    case 2:
      return a.vrrp_scripts == b.vrrp_scripts;
    case 3:
      return a.track_files == b.track_files;
    case 4:
      return a.track_processes == b.track_processes;
    case 5:
      return a.check_scripts == b.check_scripts;
    case 6:
      return a.vrrp_instances == b.vrrp_instances;
    default:
      return a.sync_groups == b.sync_groups;
  }
}

}  // namespace

ConfigUpdate makeUpdate(const config::Config& from, const config::Config& to) {
  ConfigUpdate u;
  for (size_t i = 0; i < kPlainSections; ++i) {
    if (!sectionEqual(from, to, i)) {
      u.changed |= 1U << i;
    }
  }
  // Virtual servers: same position first; else the base's server of the same name.
  const auto& fv = from.virtual_servers;
  const auto& tv = to.virtual_servers;
  std::vector<uint64_t> refs(tv.size(), 0);
  std::unordered_map<std::string_view, size_t> byName;  // built on the first mismatch
  bool vsChanged = fv.size() != tv.size();
  for (size_t i = 0; i < tv.size(); ++i) {
    if (i < fv.size() && fv[i] == tv[i]) {
      refs[i] = i + 1;
      continue;
    }
    vsChanged = true;
    if (byName.empty()) {
      byName.reserve(fv.size());
      for (size_t j = 0; j < fv.size(); ++j) {
        byName.emplace(fv[j].name, j);
      }
    }
    const auto f = byName.find(tv[i].name);
    if (f != byName.end() && fv[f->second] == tv[i]) {
      refs[i] = f->second + 1;
    }
  }
  if (vsChanged) {
    u.changed |= section::kVirtualServers;
  }
  u.payload.append(kMagic);
  Writer w(u.payload);
  w.varint(u.changed);
  for (size_t i = 0; i < kPlainSections; ++i) {
    if ((u.changed & (1U << i)) != 0) {
      codeSection(w, to, i);
    }
  }
  if (vsChanged) {
    w.varint(tv.size());
    for (size_t i = 0; i < tv.size(); ++i) {
      w.varint(refs[i]);
      if (refs[i] == 0) {
        w.put(tv[i]);
        ++u.serversSent;
      }
    }
  }
  return u;
}

Result<uint32_t> applyUpdate(config::Config& base, std::string_view payload,
                             ServerOrigins* origins) {
  if (payload.substr(0, kMagic.size()) != kMagic) {
    return fail("config update: bad magic");
  }
  Reader r(payload.substr(kMagic.size()));
  const uint64_t changed64 = r.varint();
  if (!r.ok() || changed64 > section::kAll) {
    return fail("config update: bad section mask");
  }
  const auto changed = static_cast<uint32_t>(changed64);
  config::Config next;  // plain sections decoded here, moved into base at the end
  for (size_t i = 0; i < kPlainSections; ++i) {
    if ((changed & (1U << i)) != 0) {
      codeSection(r, next, i);
    }
  }
  std::vector<std::variant<size_t, VirtualServer>> servers;
  if ((changed & section::kVirtualServers) != 0) {
    const size_t n = r.count();
    std::vector<bool> used(base.virtual_servers.size(), false);
    servers.reserve(std::min(n, base.virtual_servers.size() + 64));
    for (size_t i = 0; i < n && r.ok(); ++i) {
      const uint64_t ref = r.varint();
      if (ref == 0) {
        VirtualServer vs;
        r.get(vs);
        servers.emplace_back(std::move(vs));
      } else if (ref > base.virtual_servers.size() || used[ref - 1]) {
        r.failWith();
      } else {
        used[ref - 1] = true;
        servers.emplace_back(static_cast<size_t>(ref - 1));
      }
    }
  }
  if (!r.ok() || !r.atEnd()) {
    return fail("config update: truncated or malformed payload");
  }
  for (size_t i = 0; i < kPlainSections; ++i) {
    if ((changed & (1U << i)) == 0) {
      continue;
    }
    switch (i) {
      case 0:
        base.source_file = std::move(next.source_file);
        break;
      case 1:
        base.global = std::move(next.global);
        break;
      case 2:
        base.vrrp_scripts = std::move(next.vrrp_scripts);
        break;
      case 3:
        base.track_files = std::move(next.track_files);
        break;
      case 4:
        base.track_processes = std::move(next.track_processes);
        break;
      case 5:
        base.check_scripts = std::move(next.check_scripts);
        break;
      case 6:
        base.vrrp_instances = std::move(next.vrrp_instances);
        break;
      default:
        base.sync_groups = std::move(next.sync_groups);
        break;
    }
  }
  if (origins != nullptr) {
    origins->clear();
  }
  if ((changed & section::kVirtualServers) != 0) {
    std::vector<VirtualServer> vs;
    vs.reserve(servers.size());
    for (auto& s : servers) {
      if (auto* idx = std::get_if<size_t>(&s)) {
        vs.push_back(std::move(base.virtual_servers[*idx]));
        if (origins != nullptr) {
          origins->emplace_back(*idx);
        }
      } else {
        vs.push_back(std::move(std::get<VirtualServer>(s)));
        if (origins != nullptr) {
          origins->emplace_back(std::nullopt);
        }
      }
    }
    base.virtual_servers = std::move(vs);
  } else if (origins != nullptr) {
    origins->reserve(base.virtual_servers.size());
    for (size_t i = 0; i < base.virtual_servers.size(); ++i) {
      origins->emplace_back(i);
    }
  }
  return changed;
}

std::string encodeVirtualServer(const config::VirtualServer& vs) { return encodeOne(vs); }

Result<config::VirtualServer> decodeVirtualServer(std::string_view bytes) {
  Reader r(bytes);
  config::VirtualServer vs;
  r.get(vs);
  if (!r.ok() || !r.atEnd()) {
    return fail("virtual server: truncated or malformed encoding");
  }
  return vs;
}

}  // namespace lvsd::daemon
