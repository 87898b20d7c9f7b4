#pragma once
// IPVS table <-> JSON (pure): the `ipvs` control command's data and what lvsctl formats.
//   {"services":[{"key":{"protocol":"TCP","address":"10.0.0.1","port":80} | {"fwmark":7,
//     "family":"inet"}, "scheduler":"rr","flags":0,"timeout":0,"netmask":4294967295,"pe":"",
//     "stats":{...},"dests":[{"address":..,"port":..,"forward":"Masq","weight":1,
//     "u_threshold":0,"l_threshold":0,"active":0,"inactive":0,"persistent":0,"stats":{...}}]}]}

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "ipvs/model.h"

namespace lvsd::ipvs {

using Json = nlohmann::json;

Json toJson(const Table& t);
Json toJson(const ServiceKey& k);
/// Inverse of toJson(Table) for services, destinations and counters (tolerant of missing
/// fields; a malformed key or address is an error).
Result<Table> tableFromJson(const Json& j);

}  // namespace lvsd::ipvs
