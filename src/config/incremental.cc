// Incremental reload (config/incremental.h).
//
// Why the spliced model equals loadFile()'s: the text outside the changed elements is byte for
// byte the text libconfig parsed last time, and scan.h checked that each new element is one group
// that closes every string and comment it opens, so libconfig reads the new file as the old one
// with those groups replaced. An element builds the same model alone as in the file (building a
// virtual server or a VRRP instance reads nothing outside its group). Validation then runs on the
// whole spliced model: it resolves references again (check scripts resolve to the same definitions,
// which did not change; sync group membership is cleared first) and, without a tree, treats every
// name as written, so it reports a superset of loadFile()'s problems; any problem sends the load
// to loadFile().
#include "config/incremental.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "config/loader_element.h"
#include "config/validate.h"

namespace lvsd::config {

namespace {

/// The whole file, or nothing when it cannot be read (loadFile() then reports why).
std::optional<std::string> readAll(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // a FIFO must not block
  if (fd < 0) {
    return std::nullopt;
  }
  std::optional<std::string> out;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    std::string text;
    text.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    for (;;) {
      if (got == text.size()) {
        text.resize(text.size() + 4096);  // the file grew: read on
      }
      const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
      if (n < 0) {
        break;
      }
      if (n == 0) {
        text.resize(got);
        out = std::move(text);
        break;
      }
      got += static_cast<size_t>(n);
    }
  }
  ::close(fd);
  return out;
}

std::string_view elementText(std::string_view text, size_t open, size_t close) {
  return text.substr(open, close - open + 1);
}

}  // namespace

LoadResult IncrementalLoader::load(const std::string& path) {
  stats_ = {};
  std::optional<std::string> text = readAll(path);
  if (text && cache_ && cache_->path == path) {
    if (auto r = splice(*text)) {
      stats_.full = false;
      return std::move(*r);
    }
  }
  return full(path, std::move(text));
}

LoadResult IncrementalLoader::full(const std::string& path, std::optional<std::string> text) {
  cache_.reset();
  stats_ = {};
  LoadResult r = loadFile(path);
  if (!r.config || !text) {
    return r;
  }
  // Cache only the text loadFile() read: the file must not have changed around it.
  const std::optional<std::string> again = readAll(path);
  if (!again || *again != *text) {
    return r;
  }
  std::optional<scan::Layout> layout = scan::mapText(*text);
  if (!layout || layout->virtual_servers != r.config->virtual_servers.size() ||
      layout->vrrp_instances != r.config->vrrp_instances.size()) {
    return r;
  }
  cache_.emplace(Cache{path, std::move(*text), *r.config, std::move(*layout)});
  return r;
}

std::optional<LoadResult> IncrementalLoader::splice(std::string& text) {
  Cache& c = *cache_;
  const std::string_view old = c.text;
  // The changed region: [p, oldEnd) of the old text became [p, newEnd) of the new one.
  const size_t p = scan::commonPrefix(old, text);
  if (p == old.size() && p == text.size()) {
    LoadResult r;  // the same text
    r.config = c.model;
    return r;
  }
  const size_t s = scan::commonSuffix(old, text, std::min(old.size(), text.size()) - p);
  const size_t oldEnd = old.size() - s;
  const size_t newEnd = text.size() - s;
  {
    const size_t from = p >= 8 ? p - 8 : 0;
    const std::string_view window =
        std::string_view(text).substr(from, std::min(text.size(), newEnd + 8) - from);
    if (window.find("@include") != std::string_view::npos ||
        window.find('\0') != std::string_view::npos) {
      return std::nullopt;
    }
  }
  // The elements holding both ends of the region (strictly inside their braces).
  std::vector<scan::Element>& els = c.layout.elements;
  auto containing = [&](size_t x) -> size_t {
    auto it = std::partition_point(els.begin(), els.end(),
                                   [&](const scan::Element& e) { return e.open < x; });
    if (it == els.begin() || x > std::prev(it)->close) {
      return els.size();
    }
    return static_cast<size_t>(std::prev(it) - els.begin());
  };
  const size_t a = containing(p);
  const size_t b = oldEnd == p ? a : containing(oldEnd);
  if (a == els.size() || b == els.size() || b < a || els[a].list != els[b].list) {
    return std::nullopt;
  }
  // The same elements in the new text: same count, same separators.
  const size_t spanBegin = els[a].open;
  const size_t spanEnd = els[b].close + 1 + text.size() - old.size();
  const std::string_view span = std::string_view(text).substr(spanBegin, spanEnd - spanBegin);
  std::vector<std::pair<size_t, size_t>> groups;
  if (!scan::splitGroups(span, groups) || groups.size() != b - a + 1) {
    return std::nullopt;
  }
  for (size_t i = 0; i + 1 < groups.size(); ++i) {
    const std::string_view oldSep =
        old.substr(els[a + i].close + 1, els[a + i + 1].open - els[a + i].close - 1);
    const std::string_view newSep =
        span.substr(groups[i].second + 1, groups[i + 1].first - groups[i].second - 1);
    if (oldSep != newSep) {
      return std::nullopt;
    }
  }
  // Re-parse the elements whose text changed.
  std::vector<std::pair<size_t, VirtualServer>> servers;
  std::vector<std::pair<size_t, VrrpInstance>> instances;
  for (size_t i = 0; i < groups.size(); ++i) {
    const scan::Element& e = els[a + i];
    const std::string_view now = elementText(span, groups[i].first, groups[i].second);
    if (now == elementText(old, e.open, e.close)) {
      continue;
    }
    if (e.list == scan::List::VirtualServers) {
      servers.emplace_back(e.index, VirtualServer{});
      if (!buildVirtualServerText(now, servers.back().second)) {
        return std::nullopt;
      }
    } else {
      instances.emplace_back(e.index, VrrpInstance{});
      if (!buildVrrpInstanceText(now, instances.back().second)) {
        return std::nullopt;
      }
    }
  }
  // Splice into a copy and validate the whole model.
  Config work = c.model;
  for (auto& [index, vs] : servers) {
    work.virtual_servers[index] = std::move(vs);
  }
  for (auto& [index, vi] : instances) {
    work.vrrp_instances[index] = std::move(vi);
  }
  for (VrrpInstance& vi : work.vrrp_instances) {
    vi.sync_group.clear();  // validate() assigns it
  }
  Diagnostics diags;
  Context ctx(diags);
  validate(ctx, work);
  if (!diags.empty()) {
    return std::nullopt;
  }
  // Commit: the cache becomes this load.
  stats_.reparsed = servers.size() + instances.size();
  for (const auto& [index, vs] : servers) {
    c.model.virtual_servers[index] = work.virtual_servers[index];
  }
  for (const auto& [index, vi] : instances) {
    c.model.vrrp_instances[index] = work.vrrp_instances[index];
  }
  for (size_t i = 0; i < work.vrrp_instances.size(); ++i) {
    c.model.vrrp_instances[i].sync_group = work.vrrp_instances[i].sync_group;
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    els[a + i].open = spanBegin + groups[i].first;
    els[a + i].close = spanBegin + groups[i].second;
  }
  for (size_t i = b + 1; i < els.size(); ++i) {
    els[i].open = els[i].open + text.size() - old.size();
    els[i].close = els[i].close + text.size() - old.size();
  }
  c.text = std::move(text);
  LoadResult r;
  r.config = std::move(work);
  return r;
}

}  // namespace lvsd::config
