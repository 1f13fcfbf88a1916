package io.pipeio.plugin;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The arithmetic of one plug-in's restart policy: which exit asks for a restart, how long
 * to wait before it (longer with each restart in a row, from the start again after a run
 * longer than the longest wait), and when too many restarts within the window mean giving
 * up. Kept apart from the process handling so that each can be read alone; its
 * supervisor's lock guards it.
 *
 * @author pipe-io
 */
final class RestartBudget {

	private final PluginSettings settings;

	/** When each restart of the window happened, {@link System#nanoTime()}. */
	private final Deque<Long> restartTimes = new ArrayDeque<>();

	private Duration nextBackoff;

	RestartBudget(PluginSettings settings) {
		this.settings = settings;
		this.nextBackoff = settings.backoffInitial();
	}

	/**
	 * Start afresh: a start or a restart on request is not a crash loop.
	 */
	void reset() {
		this.restartTimes.clear();
		this.nextBackoff = this.settings.backoffInitial();
	}

	/**
	 * @param failed whether the instance failed: it exited with a code other than 0, or
	 * was ended as failed
	 * @return whether the policy asks for a restart after this exit
	 */
	boolean wanted(boolean failed) {
		RestartPolicy policy = this.settings.restart();
		return policy == RestartPolicy.ALWAYS || (policy == RestartPolicy.ON_FAILURE && failed);
	}

	/**
	 * Take a restart from the budget.
	 * @param ran how long the process ran
	 * @param now {@link System#nanoTime()}
	 * @return how long to wait before the restart, or {@code null} when the window's
	 * restarts are used up
	 */
	@Nullable Duration take(Duration ran, long now) {
		// Saturated: a window or a backoff longer than nanoseconds hold (some 292 years)
		// is as good as endless, not an overflow that would end the supervision.
		long window = TimeUnit.NANOSECONDS.convert(this.settings.restartWindow());
		while (!this.restartTimes.isEmpty() && now - this.restartTimes.peekFirst() > window) {
			this.restartTimes.removeFirst();
		}
		if (this.restartTimes.size() >= this.settings.maxRestarts()) {
			return null;
		}
		if (ran.compareTo(this.settings.backoffMax()) > 0) {
			this.nextBackoff = this.settings.backoffInitial();
		}
		Duration wait = this.nextBackoff;
		long grown = (long) Math.min(TimeUnit.NANOSECONDS.convert(wait) * this.settings.backoffMultiplier(),
				TimeUnit.NANOSECONDS.convert(this.settings.backoffMax()));
		this.nextBackoff = Duration.ofNanos(grown);
		this.restartTimes.addLast(now);
		return wait;
	}

}
