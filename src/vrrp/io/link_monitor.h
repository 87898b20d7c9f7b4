#pragma once
// rtnetlink link events (RTMGRP_LINK) on the Asio loop. Each burst of events triggers one
// callback; the listener then re-reads the interfaces it tracks (cheap, and never misses a
// state because of a dropped or coalesced message).

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>

#include "common/result.h"

namespace lvsd::vrrp::io {

class LinkMonitor {
public:
  static Result<std::unique_ptr<LinkMonitor>> open(boost::asio::io_context& io);
  void start(std::function<void()> onChange);

private:
  LinkMonitor(boost::asio::io_context& io, int fd) : sd_(io, fd) {}
  void wait();
  boost::asio::posix::stream_descriptor sd_;
  std::function<void()> onChange_;
};

}  // namespace lvsd::vrrp::io
