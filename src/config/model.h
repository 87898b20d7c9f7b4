#pragma once
// The typed, validated configuration model (pure: no I/O). Filled by config/loader.h from a
// libconfig file; every other layer reads only this. docs/config.md and docs/lvsd.conf.5 document
// every setting; the comments here are the one-line version.
//
// Conventions: durations are std::chrono::milliseconds (config files give seconds, fractions
// allowed where documented); defaults below are the ones applied when a setting is absent;
// std::optional marks settings whose absence means something ("inherit", "not set"). After a
// successful load every cross reference (script names, sync group members) is known to resolve.
// Every struct has a defaulted operator== (member-wise), so a reload can compare a section of the
// old and new Config and skip what did not change.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/address.h"

namespace lvsd::config {

using Duration = std::chrono::milliseconds;

// ---------------------------------------------------------------- global

enum class LogTarget { Journal, Syslog, Stderr };
enum class LogLevel { Debug, Info, Notice, Warning, Error };
enum class SyncDaemonState { Master, Backup };

/// "addr:port" endpoint ([v6]:port in text).
struct Endpoint {
  IpAddress address;  ///< IPv4 or IPv6 address
  uint16_t port = 0;  ///< 0 = none/any
  bool operator==(const Endpoint&) const = default;
};

/// IPVS connection synchronisation daemon (ipvsadm --start-daemon).
struct IpvsSyncDaemon {
  SyncDaemonState state = SyncDaemonState::Master;  ///< master sends, backup receives
  std::string interface;                            ///< multicast interface (required)
  uint8_t sync_id = 0;                              ///< syncid 0..255
  std::string vrrp_instance;  ///< follow this instance: master when it is MASTER ("" = static)
  std::optional<IpAddress> mcast_group;  ///< default 224.0.0.81 (kernel default)
  uint16_t mcast_port = 8848;            ///< UDP port of the sync protocol
  uint8_t mcast_ttl = 1;                 ///< multicast TTL 1..255
  uint16_t max_packet_size = 0;          ///< sync_maxlen; 0 = interface MTU derived
  bool operator==(const IpvsSyncDaemon&) const = default;
};

/// IPVS protocol timeouts (ipvsadm --set); 0 = leave the kernel value unchanged.
struct IpvsTimeouts {
  Duration tcp{0};      ///< established TCP connection timeout
  Duration tcp_fin{0};  ///< TCP FIN_WAIT timeout
  Duration udp{0};      ///< UDP timeout
  bool operator==(const IpvsTimeouts&) const = default;
};

/// Prometheus exporter (HTTP /metrics).
struct Prometheus {
  bool enabled = false;                              ///< serve /metrics
  Endpoint listen{IpAddress::v4(0x7f000001), 9560};  ///< listen address:port
  bool operator==(const Prometheus&) const = default;
};

/// SNMP AgentX sub-agent.
struct Snmp {
  bool enabled = false;  ///< connect to the master agent
  std::string agentx_socket =
      "/var/agentx/master";  ///< master agent socket (path or tcp:host:port)
  bool operator==(const Snmp&) const = default;
};

struct Global {
  std::string router_id;                    ///< defaults to the hostname
  std::string script_user = "lvsd_script";  ///< unprivileged user for scripts
  std::string notify_fifo;                  ///< FIFO receiving VRRP state lines ("" = none)
  std::string notify_fifo_script;           ///< command started with the FIFO path as last argument
  /// SCHED_FIFO priority of the VRRP child (keepalived's vrrp_rt_priority); 0 = normal scheduling.
  uint32_t vrrp_rt_priority = 10;
  /// Nice level of the VRRP child when vrrp_rt_priority is 0 (keepalived's vrrp_priority).
  int32_t vrrp_priority = 0;
  /// Nice level of the checker child (keepalived's checker_priority), -20..19.
  int32_t checker_priority = 0;
  std::string control_socket = "/run/lvsd/lvsd.sock";  ///< unix socket for lvsctl
  uint32_t control_socket_mode = 0660;                 ///< permissions of that socket
  std::string control_socket_group;                    ///< group owning the socket ("" = root)
  LogTarget log_target = LogTarget::Journal;           ///< where logs go
  LogLevel log_level = LogLevel::Info;                 ///< minimum level logged
  std::string syslog_facility = "daemon";              ///< facility when log_target = syslog
  std::string pid_file = "/run/lvsd/lvsd.pid";         ///< pid file of the supervisor
  std::optional<IpvsSyncDaemon> ipvs_sync_daemon;      ///< absent = no sync daemon
  IpvsTimeouts ipvs_timeouts;                          ///< IPVS protocol timeouts
  Prometheus prometheus;                               ///< metrics exporter
  Snmp snmp;                                           ///< SNMP AgentX
  bool operator==(const Global&) const = default;
};

// ---------------------------------------------------------------- tracked objects (top level)

/// vrrp_scripts entry: a periodic command whose exit status adjusts VRRP priority.
struct VrrpScript {
  std::string name;               ///< referenced from track_scripts
  std::string path;               ///< absolute path of the executable
  std::vector<std::string> args;  ///< arguments (no shell)
  Duration interval{1000};        ///< run every interval (default 1 s)
  Duration timeout{0};            ///< default: same as interval
  int weight = 0;                 ///< -254..254; 0 = failure puts the instance into FAULT
  uint32_t rise = 1;              ///< successes before "up"
  uint32_t fall = 1;              ///< failures before "down"
  std::string user;               ///< "" = global.script_user
  bool init_fail = false;         ///< start in the failed state
  bool operator==(const VrrpScript&) const = default;
};

/// vrrp_track_files entry: a file holding an integer that, times weight, adjusts priority.
struct TrackFile {
  std::string name;        ///< referenced from track_files
  std::string path;        ///< absolute path
  int weight = 1;          ///< -254..254; 0 = non-zero file value puts the instance into FAULT
  bool init_file = false;  ///< create the file (value 0) when missing
  bool operator==(const TrackFile&) const = default;
};

enum class ProcessMatch { Name, Initial, Partial };

/// vrrp_track_processes entry: a process that must be running.
struct TrackProcess {
  std::string name;                               ///< referenced from track_processes
  std::string process;                            ///< process name (comm or argv[0])
  std::vector<std::string> params;                ///< required parameters (argv[1..])
  ProcessMatch param_match = ProcessMatch::Name;  ///< how params match
  uint32_t quorum = 1;                            ///< minimum number of processes running
  uint32_t quorum_max = 0;                        ///< 0 = unbounded
  int weight = 0;     ///< -254..254; 0 = failure puts the instance into FAULT
  Duration delay{0};  ///< delay before acting on loss/recovery
  bool operator==(const TrackProcess&) const = default;
};

/// check_scripts entry: a named command for "script" checks.
struct CheckScript {
  std::string name;               ///< referenced from checks { type = "script"; script = ... }
  std::string path;               ///< absolute path of the executable
  std::vector<std::string> args;  ///< arguments (no shell)
  std::string user;               ///< "" = global.script_user
  bool operator==(const CheckScript&) const = default;
};

// ---------------------------------------------------------------- VRRP

enum class VrrpState { Backup, Master };
enum class AuthType { None, Pass, Hmac };
enum class AntiReplay { Time, Monotonic };
enum class HmacMode { ReceiveOnly, Permissive, Enforce };

struct HmacKey {
  uint32_t id = 0;     ///< key id 1..255, carried in the packet
  std::string secret;  ///< shared secret, 32..64 raw bytes (secret or secret_hex)
  bool operator==(const HmacKey&) const = default;
};

/// Advertisement authentication.
struct Authentication {
  AuthType type = AuthType::None;             ///< none | pass (RFC 2338, v2 only) | hmac
  std::string password;                       ///< pass: up to 8 characters
  std::vector<HmacKey> keys;                  ///< hmac: key ring
  uint32_t active_key = 0;                    ///< hmac: key id used for sending
  AntiReplay anti_replay = AntiReplay::Time;  ///< hmac: replay protection source
  Duration freshness{5000};  ///< hmac: accepted timestamp skew, whole seconds 1..300 (default 5)
  HmacMode mode = HmacMode::Enforce;  ///< hmac: rollout mode
  bool operator==(const Authentication&) const = default;
};

/// A virtual IP (address with prefix length) on an interface.
struct VirtualIp {
  IpAddress address;        ///< the VIP
  uint8_t prefix_len = 32;  ///< default 32 (v4) / 128 (v6)
  std::string dev;          ///< "" = the instance interface
  std::string label;        ///< IPv4 address label ("" = none)
  bool operator==(const VirtualIp&) const = default;
};

/// A tracking reference from an instance: name plus optional weight override.
struct TrackRef {
  std::string name;           ///< interface name or the name of a vrrp_script/file/process
  std::optional<int> weight;  ///< overrides the tracked object's weight (-254..254)
  bool reverse = false;       ///< invert the sign of the weight effect
  bool operator==(const TrackRef&) const = default;
};

struct Garp {
  Duration master_delay{5000};         ///< second burst this long after becoming MASTER (0 = none)
  uint32_t master_repeat = 5;          ///< GARPs/NAs per burst
  Duration master_refresh{0};          ///< periodic refresh while MASTER (0 = off)
  uint32_t master_refresh_repeat = 1;  ///< GARPs per refresh
  Duration lower_prio_delay{5000};     ///< burst delay after a lower-priority advert as MASTER
  uint32_t lower_prio_repeat = 5;      ///< GARPs per lower-priority burst (0 = no burst)
  Duration interval{0};                ///< gap between GARPs in a burst
  Duration na_interval{0};             ///< gap between unsolicited NAs in a burst
  bool operator==(const Garp&) const = default;
};

struct Notify {
  std::string master;  ///< command run on entering MASTER ("" = none)
  std::string backup;  ///< command run on entering BACKUP
  std::string fault;   ///< command run on entering FAULT
  std::string stop;    ///< command run when the instance stops
  std::string any;     ///< "notify": run on every change with args TYPE NAME STATE PRIORITY
  bool operator==(const Notify&) const = default;
};

struct VrrpInstance {
  std::string name;                             ///< unique instance name
  std::string interface;                        ///< interface VRRP runs on
  uint8_t vrid = 0;                             ///< virtual_router_id 1..255
  uint8_t priority = 100;                       ///< 1..255 (255 = address owner)
  uint8_t version = 2;                          ///< 2 or 3 (default 3 when VIPs are IPv6)
  Family family = Family::V4;                   ///< family of the VIPs (all VIPs share it)
  VrrpState initial_state = VrrpState::Backup;  ///< "state"
  Duration advert_int{1000};                    ///< v2: whole seconds 1..255; v3: 10 ms..40.95 s
  bool accept = false;                          ///< v3 Accept_Mode (RFC 5798 §6.1)
  bool preempt = true;                          ///< Preempt_Mode; false = keepalived "nopreempt"
  Duration preempt_delay{0};                    ///< delay preemption after startup (0..1000 s)
  std::vector<VirtualIp> vips;                  ///< virtual_ipaddresses (advertised)
  std::vector<VirtualIp> vips_excluded;         ///< virtual_ipaddresses_excluded (not advertised)
  std::optional<IpAddress> source_address;      ///< source of adverts (default: interface primary)
  std::vector<IpAddress> unicast_peers;         ///< empty = multicast
  Authentication auth;                          ///< authentication
  std::vector<TrackRef> track_interfaces;       ///< interfaces that must be up
  std::vector<TrackRef> track_scripts;          ///< names from vrrp_scripts
  std::vector<TrackRef> track_files;            ///< names from vrrp_track_files
  std::vector<TrackRef> track_processes;        ///< names from vrrp_track_processes
  Notify notify;                                ///< notify scripts
  Garp garp;                                    ///< gratuitous ARP / unsolicited NA settings
  bool use_vmac = false;                        ///< run on a macvlan with the VRRP virtual MAC
  std::string vmac_name;                        ///< macvlan name (default "vrrp.<vrid>")
  bool vmac_xmit_base = false;                  ///< send adverts from the base interface
  std::string sync_group;                       ///< name of the sync group ("" = none); derived
  bool operator==(const VrrpInstance&) const = default;
};

struct SyncGroup {
  std::string name;                  ///< unique group name
  std::vector<std::string> members;  ///< vrrp instance names (≥ 2, each in one group only)
  Notify notify;                     ///< group notify scripts
  bool operator==(const SyncGroup&) const = default;
};

// ---------------------------------------------------------------- virtual servers

enum class Protocol { Tcp, Udp, Sctp };
enum class Forwarding { Nat, Dr, Tun };
enum class TunnelType { Ipip, Gue, Gre };
enum class OnStop { Remove, Keep };

/// Scheduler flags (IP_VS_SVC_F_SCHED1/2/3).
struct SchedulerFlags {
  bool flag1 = false;  ///< sh-fallback / mh-fallback / flag-1
  bool flag2 = false;  ///< sh-port / mh-port / flag-2
  bool flag3 = false;  ///< flag-3
  bool operator==(const SchedulerFlags&) const = default;
};

struct Tunnel {
  TunnelType type = TunnelType::Ipip;  ///< encapsulation
  uint16_t port = 0;                   ///< GUE destination port (required for gue)
  bool nocsum = false;                 ///< no checksum
  bool csum = false;                   ///< checksum
  bool remcsum = false;                ///< remote checksum offload
  bool operator==(const Tunnel&) const = default;
};

/// Dynamic weight feedback (LVS "dynamic feedback load balancing").
struct Feedback {
  bool enabled = false;              ///< adjust weights from measured load
  double response_time_ratio = 0.5;  ///< share of response time in the load figure (0..1)
  double agent_ratio = 0.5;          ///< share of agent-reported load (0..1); sum must be 1
  double adjust_factor = 0.95;       ///< A: how strongly load moves the weight (0 < A ≤ 1)
  uint32_t scale = 10;               ///< weight bounded to [weight, scale × weight] (1..100)
  uint32_t change_threshold = 5;     ///< apply only changes above this percent (0..100)
  bool operator==(const Feedback&) const = default;
};

enum class HttpMethod { Get, Head, Post };
enum class DigestAlgorithm { Md5, Sha256 };
enum class CheckType { Tcp, Http, Https, Udp, Dns, Icmp, Agent, Script, File };

struct StatusRange {
  uint16_t low = 200;   ///< inclusive
  uint16_t high = 299;  ///< inclusive
  bool operator==(const StatusRange&) const = default;
};

struct Digest {
  DigestAlgorithm algorithm = DigestAlgorithm::Md5;  ///< from the hex length (32 / 64)
  std::vector<uint8_t> value;                        ///< binary digest of the body
  bool operator==(const Digest&) const = default;
};

/// HTTP and HTTPS fields (HTTPS adds the TLS ones).
struct HttpCheck {
  HttpMethod method = HttpMethod::Get;          ///< request method
  std::string path = "/";                       ///< request target
  std::string host;                             ///< Host header ("" = virtualhost, else address)
  std::vector<std::string> headers;             ///< extra "Name: value" headers
  std::string body;                             ///< request body (POST)
  std::vector<StatusRange> status{{200, 299}};  ///< accepted status codes
  std::optional<Digest> digest;                 ///< expected body digest
  std::string body_regex;                       ///< PCRE2 pattern the body must match
  uint32_t max_body_size = 65536;               ///< bytes read from the body (≤ 16 MiB)
  std::string sni;                              ///< https: SNI ("" = host)
  bool verify = true;                           ///< https: verify the server certificate
  std::string ca_file;                          ///< https: CA bundle ("" = system)
  std::string client_cert;                      ///< https: client certificate (PEM)
  std::string client_key;                       ///< https: client key (PEM)
  bool operator==(const HttpCheck&) const = default;
};

struct UdpCheck {
  std::vector<uint8_t> payload;                ///< datagram sent
  std::optional<std::vector<uint8_t>> expect;  ///< reply must start with this
  bool require_reply = false;                  ///< no reply within timeout = failure
  bool operator==(const UdpCheck&) const = default;
};

struct DnsCheck {
  std::string name = ".";           ///< query name
  std::string type = "SOA";         ///< A AAAA NS MX TXT SOA CNAME PTR SRV
  std::string rcode = "NOERROR";    ///< expected response code
  std::vector<std::string> expect;  ///< answers that must appear (empty = any)
  bool operator==(const DnsCheck&) const = default;
};

struct AgentCheck {
  uint16_t port = 0;  ///< agent TCP port (required)
  std::string send;   ///< string sent after connecting ("" = nothing)
  bool operator==(const AgentCheck&) const = default;
};

struct ScriptCheck {
  std::string script;             ///< check_scripts name ("" when given inline)
  std::string path;               ///< resolved executable path
  std::vector<std::string> args;  ///< resolved arguments
  std::string user;               ///< "" = global.script_user
  bool operator==(const ScriptCheck&) const = default;
};

struct FileCheck {
  std::string path;     ///< absolute path
  bool invert = false;  ///< false: up while the file exists; true: down while it exists
  bool operator==(const FileCheck&) const = default;
};

/// One health check of a real server. Fields not used by `type` keep their defaults.
struct Check {
  CheckType type = CheckType::Tcp;  ///< kind of probe
  Duration interval{0};             ///< between probes (default: delay_loop)
  Duration timeout{5000};           ///< per probe
  uint32_t rise = 2;                ///< successes to go up
  uint32_t fall = 3;                ///< failures to go down
  Duration fast_interval{0};        ///< interval while rise/fall is in progress (default: interval)
  Duration down_interval{0};        ///< interval while down (default: interval)
  uint32_t retries = 0;             ///< immediate retries before counting a failure
  Duration retry_delay{1000};       ///< gap between those retries
  std::optional<IpAddress> connect_address;  ///< probe this address instead of the server's
  std::optional<uint16_t> connect_port;      ///< probe this port instead of the server's
  std::optional<IpAddress> bind_address;     ///< source address of probes
  HttpCheck http;                            ///< type http / https
  UdpCheck udp;                              ///< type udp
  DnsCheck dns;                              ///< type dns
  AgentCheck agent;                          ///< type agent
  ScriptCheck script;                        ///< type script
  FileCheck file;                            ///< type file
  bool operator==(const Check&) const = default;
};

struct RealServer {
  Endpoint endpoint;                        ///< address:port (port defaults to the service port)
  uint32_t weight = 1;                      ///< 0..65535 (0 = quiesced)
  Forwarding forwarding = Forwarding::Nat;  ///< inherited from the virtual server unless set
  uint32_t u_threshold = 0;                 ///< upper connection threshold (0 = none)
  uint32_t l_threshold = 0;                 ///< lower connection threshold (0 = none)
  bool inhibit_on_failure = false;          ///< on failure set weight 0 instead of removing
  Duration slow_start{0};                   ///< ramp weight up over this period after recovery
  Feedback feedback;                        ///< inherited from the virtual server unless set
  std::string notify_up;                    ///< command run when the server comes up
  std::string notify_down;                  ///< command run when the server goes down
  std::vector<Check> checks;                ///< all must pass for the server to be up
  bool operator==(const RealServer&) const = default;
};

struct VirtualServer {
  std::string name;                   ///< unique; default "addr:port/proto" or "fwmark:N"
  std::optional<Endpoint> endpoint;   ///< VIP:port (absent for fwmark services)
  Protocol protocol = Protocol::Tcp;  ///< tcp | udp | sctp (address services)
  uint32_t fwmark = 0;                ///< firewall mark (0 = address service)
  Family family = Family::V4;         ///< service family (from address, or "family" for fwmark)
  std::string scheduler = "wlc";      ///< IPVS scheduler name
  SchedulerFlags scheduler_flags;     ///< scheduler flags
  double load_factor = 1.25;          ///< chbl: bound c (≥ 1)
  Duration persistence_timeout{0};    ///< 0 = not persistent
  uint8_t persistence_prefix = 32;    ///< granularity as prefix length (v4 netmask or v6 prefix)
  bool one_packet = false;            ///< ops: schedule every UDP datagram
  Forwarding forwarding = Forwarding::Nat;  ///< default for real servers
  std::optional<Tunnel> tunnel;             ///< tun forwarding parameters
  uint32_t quorum = 1;                   ///< minimum sum of live weights for the service to be up
  uint32_t hysteresis = 0;               ///< quorum up at quorum+h, down below quorum-h
  std::string quorum_up;                 ///< command run when quorum is gained
  std::string quorum_down;               ///< command run when quorum is lost
  std::optional<Endpoint> sorry_server;  ///< used when no real server is up
  bool sorry_server_inhibit = false;  ///< keep the sorry server with weight 0 instead of removing
  bool inhibit_on_failure = false;    ///< default for real servers
  bool alpha = false;                 ///< real servers start down until their checks pass
  bool omega = false;                 ///< run quorum_down and clear the table on stop
  OnStop on_stop = OnStop::Remove;    ///< keep or remove the IPVS service when lvsd stops
  Duration delay_loop{60000};         ///< default check interval
  std::string virtualhost;            ///< default HTTP Host for checks
  std::vector<RealServer> real_servers;  ///< the pool
  bool operator==(const VirtualServer&) const = default;
};

struct Config {
  std::string source_file;  ///< the file this model was read from
  Global global;
  std::vector<VrrpScript> vrrp_scripts;
  std::vector<TrackFile> track_files;
  std::vector<TrackProcess> track_processes;
  std::vector<CheckScript> check_scripts;
  std::vector<VrrpInstance> vrrp_instances;
  std::vector<SyncGroup> sync_groups;
  std::vector<VirtualServer> virtual_servers;
  bool operator==(const Config&) const = default;
};

}  // namespace lvsd::config
