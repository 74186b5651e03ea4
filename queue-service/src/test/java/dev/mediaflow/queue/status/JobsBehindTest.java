package dev.mediaflow.queue.status;

import dev.mediaflow.messages.RedisKeys;
import dev.mediaflow.queue.store.JobVersion;
import dev.mediaflow.queue.support.ApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reconciler's check of a page of jobs in one Redis call ({@code redis/jobs-behind.lua}) against the rule it
 * replaces, a read of each job ({@link JobStatusCache#held}) and {@link JobStatusCache.Held#isBehind}, on real
 * Redis: every combination of no key, a pending mark without a snapshot, and a snapshot with and without a pending
 * mark, against committed versions below, at and above what Redis holds.
 */
class JobsBehindTest extends ApiTest {

    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RedisKeys keys;
    @Autowired
    JobStatusCache cache;

    @Test
    void aPageIsCheckedInOneCallByTheRuleOfAReadPerJob() {
        List<Map<String, String>> held = new ArrayList<>();
        held.add(null); // no key: Redis lost it, or it expired
        held.add(Map.of("pending", "6")); // a pending mark whose snapshot was never written
        for (String pending : new String[] {null, "4", "5", "6"}) {
            Map<String, String> snapshot = new HashMap<>(Map.of("version", "5", "item", "{}", "status", "queued"));
            if (pending != null) {
                snapshot.put("pending", pending);
            }
            held.add(snapshot);
        }
        List<JobVersion> page = new ArrayList<>();
        for (Map<String, String> hash : held) {
            for (long committed : new long[] {4, 5, 6}) {
                UUID jobId = UUID.randomUUID();
                if (hash != null) {
                    redis.<String, String>opsForHash().putAll(keys.job(jobId), hash).block(WAIT);
                    redis.expire(keys.job(jobId), Duration.ofMinutes(5)).block(WAIT);
                }
                page.add(new JobVersion(jobId, committed));
            }
        }

        Set<UUID> behind = Set.copyOf(cache.behind(page).collectList().block(WAIT));

        Set<UUID> byReads = page.stream()
                .filter(job -> cache.held(job.jobId()).map(h -> h.isBehind(job.version())).defaultIfEmpty(true)
                        .block(WAIT))
                .map(JobVersion::jobId)
                .collect(Collectors.toSet());
        assertThat(behind).isEqualTo(byReads);
        // by hand: no snapshot is behind at any version (6 jobs); a snapshot of version 5 without a pending mark
        // or with one at or below it is behind only at 6 (3 jobs); with a pending 6 it is behind at every version
        assertThat(behind).hasSize(6 + 3 + 3);
        assertThat(behind).contains(page.get(0).jobId(), page.get(3).jobId(), page.get(8).jobId())
                .doesNotContain(page.get(6).jobId(), page.get(7).jobId());
    }

    @Test
    void anEmptyPageAsksNothing() {
        assertThat(cache.behind(List.of()).collectList().block(WAIT)).isEmpty();
    }
}
