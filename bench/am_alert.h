/*
 * bench/am_alert.h — the Prometheus-shaped alert bench/loadgen sends
 * (labels, annotations, startsAt, endsAt, generatorURL), shared with
 * bench/decode_bench so that the decode figure is measured on the very
 * bytes the load carries. Include <inttypes.h> and <stdio.h> first.
 */
#ifndef PAGERD_BENCH_AM_ALERT_H
#define PAGERD_BENCH_AM_ALERT_H

/* Alert number n of run runid into p (len bytes); snprintf()'s result. */
static inline int
am_alert_format(char *p, size_t len, uint64_t n, const char *runid,
    const char *starts, const char *ends)
{
	return snprintf(p, len,
	    "{\"labels\":{\"alertname\":\"BenchHighLatency\",\"team\":"
	    "\"bench\",\"job\":\"node\",\"instance\":\"host-%" PRIu64
	    ".example.com:9100\",\"severity\":\"warning\",\"run\":\"%s\","
	    "\"n\":\"%" PRIu64 "\"},\"annotations\":{\"summary\":\"Latency "
	    "above 500ms on host-%" PRIu64 "\",\"description\":\"The 99th "
	    "percentile of request latency has been above 500ms for 5 "
	    "minutes.\",\"runbook_url\":\"https://runbooks.example.com/"
	    "latency\"},\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"generatorURL\":"
	    "\"http://prometheus.example.com:9090/graph?g0.expr=histogram_"
	    "quantile%%280.99%%2C+rate%%28http_request_duration_seconds_"
	    "bucket%%5B5m%%5D%%29%%29+%%3E+0.5&g0.tab=1\"}",
	    n % 997, runid, n, n % 997, starts, ends);
}

#endif /* PAGERD_BENCH_AM_ALERT_H */
