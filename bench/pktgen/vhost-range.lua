-- pktgen-dpdk (23.06.x) Lua script: range-mode UDP traffic from port 0 into a switch, received
-- back on port 1, measured for a fixed time, then pktgen quits. Unattended: run it with
--   pktgen ... -- -P -m "[1].[0-1]" -f bench/pktgen/vhost-range.lua
-- (bench/pktgen/run-pktgen.sh builds the whole command line).
--
-- Parameters come from the environment (defaults in brackets):
--   VSB_SECONDS [10]   measured seconds after VSB_WARMUP [2] seconds of traffic
--   VSB_SIZE    [64]   frame size incl. FCS
--   VSB_RATE    [100]  percent of the port's nominal line rate
--   VSB_FLOWS   [1024] flows: source IP 10.0.0.1 + i and source port 1024 + i, i < VSB_FLOWS
--   VSB_RESULT  [pktgen-result.txt] file that gets one line "tx_pps=N rx_pps=N tx=N rx=N seconds=S"
package.path = package.path .. ";?.lua;test/?.lua;app/?.lua;"
require "Pktgen"

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

local seconds = tonumber(env("VSB_SECONDS", "10"))
local warmup = tonumber(env("VSB_WARMUP", "2"))
local size = tonumber(env("VSB_SIZE", "64"))
local rate = tonumber(env("VSB_RATE", "100"))
local flows = tonumber(env("VSB_FLOWS", "1024"))
local result_path = env("VSB_RESULT", "pktgen-result.txt")

local function ip_plus(base_a, base_b, base_c, base_d, n)
  local v = ((base_a * 256 + base_b) * 256 + base_c) * 256 + base_d + n
  return string.format("%d.%d.%d.%d", math.floor(v / 16777216) % 256, math.floor(v / 65536) % 256,
                       math.floor(v / 256) % 256, v % 256)
end

local tx, rx = "0", "1"
pktgen.stop("all")
pktgen.clear("all")
pktgen.set(tx, "size", size)
pktgen.set(tx, "rate", rate)
pktgen.set_proto(tx, "udp")
-- Same addresses as vsbench and gen_pcap.py: 02:..:01 -> 02:..:02, 10.0.0.1+i -> 192.168.0.1.
pktgen.range.src_mac(tx, "start", "02:00:00:00:00:01")
pktgen.range.dst_mac(tx, "start", "02:00:00:00:00:02")
pktgen.range.src_ip(tx, "start", "10.0.0.1")
pktgen.range.src_ip(tx, "min", "10.0.0.1")
pktgen.range.src_ip(tx, "max", ip_plus(10, 0, 0, 1, flows - 1))
pktgen.range.src_ip(tx, "inc", "0.0.0.1")
pktgen.range.dst_ip(tx, "start", "192.168.0.1")
pktgen.range.dst_ip(tx, "min", "192.168.0.1")
pktgen.range.dst_ip(tx, "max", "192.168.0.1")
pktgen.range.dst_ip(tx, "inc", "0.0.0.0")
pktgen.range.src_port(tx, "start", 1024)
pktgen.range.src_port(tx, "min", 1024)
pktgen.range.src_port(tx, "max", math.min(65535, 1024 + flows - 1))
pktgen.range.src_port(tx, "inc", 1)
pktgen.range.dst_port(tx, "start", 5001)
pktgen.range.dst_port(tx, "min", 5001)
pktgen.range.dst_port(tx, "max", 5001)
pktgen.range.dst_port(tx, "inc", 0)
pktgen.range.pkt_size(tx, "start", size)
pktgen.range.pkt_size(tx, "min", size)
pktgen.range.pkt_size(tx, "max", size)
pktgen.range.pkt_size(tx, "inc", 0)
pktgen.set_range(tx, "on")

pktgen.start(tx)
pktgen.delay(warmup * 1000)
local t0 = os.time()
local tx0 = pktgen.portStats(tx, "port")[tonumber(tx)].opackets
local rx0 = pktgen.portStats(rx, "port")[tonumber(rx)].ipackets
pktgen.delay(seconds * 1000)
local tx1 = pktgen.portStats(tx, "port")[tonumber(tx)].opackets
local rx1 = pktgen.portStats(rx, "port")[tonumber(rx)].ipackets
pktgen.stop(tx)

local line = string.format("tx_pps=%.0f rx_pps=%.0f tx=%d rx=%d seconds=%d",
                           (tx1 - tx0) / seconds, (rx1 - rx0) / seconds, tx1 - tx0, rx1 - rx0, seconds)
local f = io.open(result_path, "w")
f:write(line .. "\n")
f:close()
print("pktgen-result: " .. line)
pktgen.delay(500)
pktgen.quit()
