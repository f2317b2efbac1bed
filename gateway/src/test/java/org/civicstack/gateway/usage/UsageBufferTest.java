package org.civicstack.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.civicstack.gateway.usage.UsageFixtures.aUsage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.civicstack.gateway.usage.UsageRecorder.Usage;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The bounded hand-over between request threads and the usage writer. */
class UsageBufferTest {

    @Nested
    class Offer {

        @Test
        void fullBufferRefusesAndKeepsWhatItHas() {
            UsageBuffer buffer = new UsageBuffer(2);

            assertThat(buffer.offer(aUsage().withRequestId("a").build())).isTrue();
            assertThat(buffer.offer(aUsage().withRequestId("b").build())).isTrue();
            assertThat(buffer.offer(aUsage().withRequestId("c").build())).isFalse();

            assertThat(buffer.size()).isEqualTo(2);
            assertThat(buffer.take(10)).extracting(Usage::requestId).containsExactly("a", "b");
        }

        @Test
        void concurrentProducersFillExactlyToCapacityAndNoRecordIsLostOrDuplicated() throws Exception {
            int producers = 4;
            int perProducer = 10_000;
            UsageBuffer buffer = new UsageBuffer(25_000);
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService threads = Executors.newFixedThreadPool(producers);
            try {
                List<Future<Integer>> accepted = new ArrayList<>();
                for (int p = 0; p < producers; p++) {
                    accepted.add(threads.submit(offerAll(buffer, go, "p" + p, perProducer)));
                }
                go.countDown();
                int acceptedTotal = 0;
                for (Future<Integer> count : accepted) {
                    acceptedTotal += count.get(30, TimeUnit.SECONDS);
                }

                assertThat(acceptedTotal).isEqualTo(25_000);
                assertThat(buffer.size()).isEqualTo(25_000);
                assertThat(buffer.take(Integer.MAX_VALUE)).extracting(Usage::requestId)
                        .hasSize(25_000)
                        .doesNotHaveDuplicates();
            } finally {
                threads.shutdownNow();
            }
        }

        private static Callable<Integer> offerAll(UsageBuffer buffer, CountDownLatch go, String producer, int count) {
            return () -> {
                go.await();
                int accepted = 0;
                for (int i = 0; i < count; i++) {
                    if (buffer.offer(aUsage().withRequestId(producer + "-" + i).build())) {
                        accepted++;
                    }
                }
                return accepted;
            };
        }

        @Test
        void capacityMustBePositive() {
            assertThatIllegalArgumentException().isThrownBy(() -> new UsageBuffer(0));
        }
    }

    @Nested
    class TakeAndDiscard {

        @Test
        void takeReturnsAtMostTheBatchOldestFirstAndFreesTheRoom() {
            UsageBuffer buffer = new UsageBuffer(3);
            buffer.offer(aUsage().withRequestId("a").build());
            buffer.offer(aUsage().withRequestId("b").build());
            buffer.offer(aUsage().withRequestId("c").build());

            assertThat(buffer.take(2)).extracting(Usage::requestId).containsExactly("a", "b");
            assertThat(buffer.size()).isEqualTo(1);
            assertThat(buffer.offer(aUsage().withRequestId("d").build())).isTrue();
            assertThat(buffer.take(5)).extracting(Usage::requestId).containsExactly("c", "d");
            assertThat(buffer.take(5)).isEmpty();
        }

        @Test
        void discardEmptiesTheBufferAndCountsWhatWasThere() {
            UsageBuffer buffer = new UsageBuffer(3);
            buffer.offer(aUsage().build());
            buffer.offer(aUsage().build());

            assertThat(buffer.discard()).isEqualTo(2);
            assertThat(buffer.size()).isZero();
            assertThat(buffer.discard()).isZero();
        }
    }
}
