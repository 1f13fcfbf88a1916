package io.pipeio.core;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.Durations;
import org.jspecify.annotations.Nullable;

/**
 * Ends a channel's plug-in that leaves a request unanswered for its
 * {@code plugin.restart-when-unanswered}, counted from when the request was sent, once
 * its caller timed it out: the plug-in is stuck, or it skipped an answer and every later
 * one would answer the request before its own. Its supervisor ends it as failed, and its
 * restart policy restarts it, which puts requests and answers back in step; until then,
 * health is DOWN.
 * <p>
 * Not while the channel is paused: it reads no answer then, which is not the plug-in's
 * fault.
 *
 * @author pipe-io
 */
final class UnansweredRequestWatch {

	private final PipeChannel channel;

	/** One plug-in instance is ended at a time, however many requests found it late. */
	private final AtomicBoolean ending = new AtomicBoolean();

	UnansweredRequestWatch(PipeChannel channel) {
		this.channel = channel;
	}

	/**
	 * Watch a request sent to the channel's plug-in: once its caller times it out, look
	 * again when it has waited the limit.
	 * @param request the request's place, completed with its answer
	 * @param plugin the channel's plug-in
	 */
	void watch(CompletableFuture<byte[]> request, PluginSupervisor plugin) {
		Duration limit = plugin.getSettings().restartWhenUnanswered();
		if (limit == null || !(request instanceof RequestPlace place)) {
			return;
		}
		request.whenComplete((answer, failure) -> {
			Throwable cause = (failure instanceof CompletionException wrapped) ? wrapped.getCause() : failure;
			if (cause instanceof TimeoutException) {
				Instant sentAt = place.sentAt();
				long delay = Math.max(0, Duration.between(Instant.now(), sentAt.plus(limit)).toNanos());
				// The look is quick, and done on the JDK's delay thread; only the end of
				// the plug-in, which waits for it to exit, has a thread of its own.
				CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, Runnable::run)
					.execute(() -> lookAgain(plugin, sentAt, limit));
			}
		});
	}

	private void lookAgain(PluginSupervisor plugin, Instant sentAt, Duration limit) {
		Instant unansweredSince = this.channel.getUnansweredRequestSince();
		@Nullable Long pid = plugin.getPid();
		// A later request's time means that this one got its answer, or failed as the
		// plug-in exited.
		if (unansweredSince == null || unansweredSince.isAfter(sentAt) || pid == null || this.channel.isPaused()
				|| !this.ending.compareAndSet(false, true)) {
			return;
		}
		String reason = "a request sent at " + unansweredSince + " has had no answer for " + Durations.format(limit)
				+ " (plugin.restart-when-unanswered): the plug-in is stuck, or it skipped"
				+ " an answer, after which every answer would go to the request before its own";
		Thread end = new Thread(() -> {
			try {
				plugin.endAsFailed(pid, reason);
			}
			finally {
				this.ending.set(false);
			}
		}, "pipe-io-unanswered-" + this.channel.getName());
		end.setDaemon(true);
		end.start();
	}

}
