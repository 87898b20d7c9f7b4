#include "vrrp/io/link_monitor.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace lvsd::vrrp::io {

Result<std::unique_ptr<LinkMonitor>> LinkMonitor::open(boost::asio::io_context& io) {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) {
    return fail(std::string("netlink socket: ") + std::strerror(errno));
  }
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  sa.nl_groups = RTMGRP_LINK;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) != 0) {
    const int e = errno;
    ::close(fd);
    return fail(std::string("netlink bind: ") + std::strerror(e));
  }
  return std::unique_ptr<LinkMonitor>(new LinkMonitor(io, fd));
}

void LinkMonitor::start(std::function<void()> onChange) {
  onChange_ = std::move(onChange);
  wait();
}

void LinkMonitor::wait() {
  sd_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                 [this](const boost::system::error_code& ec) {
                   if (ec) {
                     return;
                   }
                   std::array<char, 8192> buf{};
                   // Drain (ENOBUFS after an overflow also lands here: re-read anyway).
                   for (int i = 0; i < 64; ++i) {
                     if (::recv(sd_.native_handle(), buf.data(), buf.size(), MSG_DONTWAIT) < 0 &&
                         errno != ENOBUFS) {
                       break;
                     }
                   }
                   if (onChange_) {
                     onChange_();
                   }
                   wait();
                 });
}

}  // namespace lvsd::vrrp::io
