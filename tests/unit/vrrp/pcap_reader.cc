#include "pcap_reader.h"

#include <fstream>
#include <iterator>

namespace lvsd::vrrp::testing {
namespace {

uint32_t rd32(const std::vector<uint8_t>& b, size_t at, bool swap) {
  const uint32_t le = uint32_t{b[at]} | (uint32_t{b[at + 1]} << 8) | (uint32_t{b[at + 2]} << 16) |
                      (uint32_t{b[at + 3]} << 24);
  if (!swap) {
    return le;
  }
  return ((le & 0xffU) << 24) | ((le & 0xff00U) << 8) | ((le >> 8) & 0xff00U) | (le >> 24);
}

std::optional<IpPacket> ipFromEthernet(const uint8_t* f, size_t len) {
  if (len < 14) {
    return std::nullopt;
  }
  size_t off = 12;
  unsigned ethertype = (unsigned{f[off]} << 8) | f[off + 1];
  off += 2;
  if (ethertype == 0x8100 && len >= 18) {  // one VLAN tag
    ethertype = (unsigned{f[off + 2]} << 8) | f[off + 3];
    off += 4;
  }
  IpPacket p;
  if (ethertype == 0x0800 && len >= off + 20) {
    const size_t ihl = size_t{f[off] & 0x0fU} * 4;
    const size_t total = (size_t{f[off + 2]} << 8) | f[off + 3];
    if (ihl < 20 || total < ihl || len < off + total) {
      return std::nullopt;
    }
    p.ttl = f[off + 8];
    p.protocol = f[off + 9];
    p.src = IpAddress::fromBytes(Family::V4, f + off + 12);
    p.dst = IpAddress::fromBytes(Family::V4, f + off + 16);
    p.payload.assign(f + off + ihl, f + off + total);
    return p;
  }
  if (ethertype == 0x86dd && len >= off + 40) {
    const size_t plen = (size_t{f[off + 4]} << 8) | f[off + 5];
    if (len < off + 40 + plen) {
      return std::nullopt;
    }
    p.protocol = f[off + 6];
    p.ttl = f[off + 7];
    p.src = IpAddress::fromBytes(Family::V6, f + off + 8);
    p.dst = IpAddress::fromBytes(Family::V6, f + off + 24);
    p.payload.assign(f + off + 40, f + off + 40 + plen);
    return p;
  }
  return std::nullopt;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(' ');
  return b == std::string::npos ? std::string() : s.substr(b);
}

// Value after "key: " on the line, if the (trimmed) line contains that key.
std::optional<std::string> after(const std::string& line, const std::string& key) {
  const auto at = line.find(key + ": ");
  if (at == std::string::npos) {
    return std::nullopt;
  }
  return line.substr(at + key.size() + 2);
}

int leadingInt(const std::string& s, int base = 10) { return std::stoi(s, nullptr, base); }

// "Advertisement (1)" → 1
int parenthesisedInt(const std::string& s) {
  const auto open = s.rfind('(');
  return open == std::string::npos ? -1 : std::stoi(s.substr(open + 1));
}

}  // namespace

std::optional<std::vector<IpPacket>> readPcap(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
  if (b.size() < 24) {
    return std::nullopt;
  }
  const uint32_t magic = rd32(b, 0, false);
  bool swap = false;
  if (magic == 0xa1b2c3d4U || magic == 0xa1b23c4dU) {
    swap = false;
  } else if (magic == 0xd4c3b2a1U || magic == 0x4d3cb2a1U) {
    swap = true;
  } else {
    return std::nullopt;
  }
  if (rd32(b, 20, swap) != 1) {  // LINKTYPE_ETHERNET
    return std::nullopt;
  }
  std::vector<IpPacket> out;
  size_t off = 24;
  unsigned frame = 0;
  while (off + 16 <= b.size()) {
    const uint32_t incl = rd32(b, off + 8, swap);
    off += 16;
    if (off + incl > b.size()) {
      return std::nullopt;
    }
    ++frame;
    if (auto p = ipFromEthernet(b.data() + off, incl)) {
      p->frameNumber = frame;
      out.push_back(std::move(*p));
    }
    off += incl;
  }
  return out;
}

std::vector<TsharkVrrp> readTsharkDecode(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<TsharkVrrp> out;
  std::optional<TsharkVrrp> cur;
  bool inVrrp = false;
  int ttl = -1;
  auto flush = [&] {
    if (cur && inVrrp) {
      cur->ttl = ttl;
      out.push_back(*cur);
    }
  };
  std::string raw;
  while (std::getline(in, raw)) {
    if (raw.rfind("Frame ", 0) == 0) {
      flush();
      cur = TsharkVrrp{};
      cur->frameNumber = static_cast<unsigned>(std::stoul(raw.substr(6)));
      inVrrp = false;
      ttl = -1;
      continue;
    }
    if (!cur) {
      continue;
    }
    const std::string line = trim(raw);
    if (line.rfind("Virtual Router Redundancy Protocol", 0) == 0) {
      inVrrp = true;
      continue;
    }
    if (!inVrrp) {
      if (auto v = after(line, "Time to Live")) {
        ttl = leadingInt(*v);
      } else if (auto h = after(line, "Hop Limit")) {
        ttl = leadingInt(*h);
      }
      continue;
    }
    if (auto v = after(line, "VRRP protocol version")) {
      cur->version = leadingInt(*v);
    } else if (auto t = after(line, "VRRP packet type")) {
      cur->type = parenthesisedInt(*t);
    } else if (auto id = after(line, "Virtual Rtr ID")) {
      cur->vrid = leadingInt(*id);
    } else if (auto pr = after(line, "Priority")) {
      cur->priority = leadingInt(*pr);
    } else if (auto c = after(line, "Addr Count")) {
      cur->addrCount = leadingInt(*c);
    } else if (auto at = after(line, "Auth Type")) {
      cur->authType = parenthesisedInt(*at);
    } else if (auto ai = after(line, "Adver Int")) {
      cur->adverInt = leadingInt(*ai);
    } else if (line.rfind("Checksum: 0x", 0) == 0) {
      cur->checksum = leadingInt(line.substr(12), 16);
    } else if (auto a4 = after(line, "IP Address")) {
      cur->addresses.push_back(*a4);
    } else if (auto a6 = after(line, "IPv6 Address")) {
      cur->addresses.push_back(*a6);
    } else if (auto s = after(line, "Authentication String")) {
      cur->authString = *s;
    }
  }
  flush();
  return out;
}

}  // namespace lvsd::vrrp::testing
