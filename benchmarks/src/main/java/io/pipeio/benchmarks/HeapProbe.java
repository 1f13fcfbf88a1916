package io.pipeio.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * Measures how much the heap grows while one large line is echoed. {@link #reset()}
 * forces a GC, takes the used heap as baseline, resets every heap pool's peak and starts
 * a 1 ms sampler; {@link #report()} returns:
 * <ul>
 * <li>{@code peak}: the highest used heap seen, from the sampler and from the "before"
 * usage of every GC that ran meanwhile (a lower bound of the true peak, normally close to
 * it);</li>
 * <li>{@code peak_pools}: the sum of the heap pools' own peaks (an upper bound: the pools
 * may peak at different moments);</li>
 * <li>{@code allocated}: bytes allocated meanwhile by the pipe-io threads (reader,
 * writer), live garbage or not, from {@code com.sun.management.ThreadMXBean}.</li>
 * </ul>
 * Growth figures are these minus the baseline. Garbage counts: a heap that must hold it
 * until the next GC needs the room. Runs inside the server process, behind the
 * {@code mem-reset} and {@code mem-report} commands of {@link ServerControl}.
 *
 * @author pipe-io
 */
final class HeapProbe {

	private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans()
		.stream()
		.filter((pool) -> pool.getType() == MemoryType.HEAP)
		.toList();

	private final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private final AtomicLong peakBeforeGc = new AtomicLong();

	private final AtomicLong gcCount = new AtomicLong();

	private volatile long baseline;

	private volatile long sampledPeak;

	private volatile Thread sampler;

	private Map<Long, Long> allocatedAtReset = Map.of();

	HeapProbe() {
		for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (gc instanceof NotificationEmitter emitter) {
				emitter.addNotificationListener((notification, handback) -> {
					if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
						.equals(notification.getType())) {
						var gcInfo = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
							.getGcInfo();
						long before = gcInfo.getMemoryUsageBeforeGc()
							.entrySet()
							.stream()
							.filter((entry) -> isHeapPool(entry.getKey()))
							.mapToLong((entry) -> entry.getValue().getUsed())
							.sum();
						this.peakBeforeGc.accumulateAndGet(before, Math::max);
						this.gcCount.incrementAndGet();
					}
				}, null, null);
			}
		}
	}

	private boolean isHeapPool(String name) {
		for (MemoryPoolMXBean pool : this.pools) {
			if (pool.getName().equals(name)) {
				return true;
			}
		}
		return false;
	}

	synchronized String reset() {
		stopSampler();
		System.gc();
		System.gc();
		try {
			Thread.sleep(200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.baseline = usedHeap();
		this.pools.forEach(MemoryPoolMXBean::resetPeakUsage);
		this.peakBeforeGc.set(0);
		this.gcCount.set(0);
		this.sampledPeak = this.baseline;
		this.allocatedAtReset = pipeIoAllocation();
		Thread thread = new Thread(this::sample, "heap-probe-sampler");
		thread.setDaemon(true);
		this.sampler = thread;
		thread.start();
		return "baseline=" + this.baseline;
	}

	synchronized String report() {
		stopSampler();
		long peakPools = 0;
		for (MemoryPoolMXBean pool : this.pools) {
			peakPools += pool.getPeakUsage().getUsed();
		}
		long peak = Math.max(this.sampledPeak, Math.max(this.peakBeforeGc.get(), usedHeap()));
		long allocated = 0;
		for (Map.Entry<Long, Long> entry : pipeIoAllocation().entrySet()) {
			allocated += entry.getValue() - this.allocatedAtReset.getOrDefault(entry.getKey(), 0L);
		}
		return "baseline=" + this.baseline + " peak=" + peak + " peak_pools=" + peakPools + " allocated=" + allocated
				+ " gcs=" + this.gcCount.get();
	}

	private void sample() {
		while (!Thread.currentThread().isInterrupted()) {
			long used = usedHeap();
			if (used > this.sampledPeak) {
				this.sampledPeak = used;
			}
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private void stopSampler() {
		Thread thread = this.sampler;
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(1000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.sampler = null;
		}
	}

	private long usedHeap() {
		long used = 0;
		for (MemoryPoolMXBean pool : this.pools) {
			used += pool.getUsage().getUsed();
		}
		return used;
	}

	private Map<Long, Long> pipeIoAllocation() {
		Map<Long, Long> result = new HashMap<>();
		ThreadMXBean bean = this.threads;
		for (ThreadInfo thread : bean.dumpAllThreads(false, false)) {
			if (thread.getThreadName().startsWith("pipe-io-")) {
				long bytes = this.threads.getThreadAllocatedBytes(thread.getThreadId());
				if (bytes >= 0) {
					result.put(thread.getThreadId(), bytes);
				}
			}
		}
		return result;
	}

}
