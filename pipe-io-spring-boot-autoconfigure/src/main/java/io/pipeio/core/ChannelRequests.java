package io.pipeio.core;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.PipeServerSettings;
import org.jspecify.annotations.Nullable;

/**
 * The requests of one channel: a request line sent on the channel, the line that answers
 * the oldest one, all failed at once. A channel holding its lines for the next listener
 * reads while a request waits, for its answer (see {@link ChannelListener#requesting()}).
 * The order of the waiting requests is {@link PendingRequests}'.
 *
 * @author pipe-io
 */
final class ChannelRequests {

	private final PipeChannel channel;

	private final PendingRequests pending;

	private final UnansweredRequestWatch unanswered;

	/**
	 * Create the requests of a channel.
	 * @param channel the channel, whose engine sends the lines
	 * @param settings its engine's settings: overflow policy and send timeout
	 */
	ChannelRequests(PipeChannel channel, PipeServerSettings settings) {
		this.channel = channel;
		this.pending = new PendingRequests(settings);
		this.unanswered = new UnansweredRequestWatch(channel);
	}

	/**
	 * Send a request line, unless the channel's plug-in ended and is not restarted by
	 * itself; see {@link PipeChannel#request(byte[])}.
	 * @param line the request line, without newline
	 * @return completed with the answer line
	 * @throws io.pipeio.server.PipeSendException if the line cannot be queued
	 */
	CompletableFuture<byte[]> send(byte[] line) {
		PipeChannel channel = this.channel;
		PluginSupervisor plugin = channel.getPlugin();
		if (plugin != null && plugin.isEndedUntilRestarted()) {
			// Nothing reads it until someone restarts the plug-in, whose next instance
			// would then answer it long after its caller gave up (or die of it again).
			return CompletableFuture.failedFuture(new PipeRequestException(channel.getName(), PipeRequestOutcome.ERROR,
					"No answer on channel '" + channel.getName() + "': its plug-in is " + plugin.getState()
							+ " after exiting with code " + plugin.getLastExitCode()
							+ " and is not restarted by itself; restart it (the pipeio endpoint's restart"
							+ " operation) or start the channel again"));
		}
		CompletableFuture<byte[]> answer = this.pending.send(line, channel.server()::sendAsync,
				channel.failures::lateAnswer);
		// Placed first: a line read from now on answers it.
		channel.listener.requesting();
		if (plugin != null) {
			this.unanswered.watch(answer, plugin);
		}
		answer.whenComplete((answered, failure) -> {
			if (failure != null) {
				// failed unanswered (dropped, a restart, a stop): maybe the last to wait
				channel.listener.answered();
			}
		});
		return answer;
	}

	/**
	 * Give a line to the oldest waiting request, if there is one.
	 * @return what became of the line; see {@link PendingRequests#answer}
	 */
	PendingRequests.Answer answer(byte[] buffer, int offset, int length) {
		return this.pending.answer(buffer, offset, length);
	}

	/**
	 * Fail the oldest waiting request, if there is one: the line that answered it could
	 * not be delivered.
	 * @param failure the exception its caller gets (unless it timed out already)
	 * @return whether a request waited: if not, the line was no answer
	 */
	boolean failOldest(RuntimeException failure) {
		return this.pending.failOldest(failure);
	}

	/**
	 * Fail every request that waits for its answer, such as when the plug-in restarted.
	 * @param outcome why they fail
	 * @param reason what happened, for the message
	 * @param whileNoneSent run while no new request can be sent, after the failed ones
	 * were removed (to discard their unread lines)
	 * @return how many requests were failed
	 */
	int failAll(PipeRequestOutcome outcome, String reason, Runnable whileNoneSent) {
		return this.pending.failAll(failure(outcome, reason), whileNoneSent);
	}

	/**
	 * Fail every request that waits for its answer because the plug-in exited; while what
	 * it wrote is still to be read, its lines go to the failed requests as late answers
	 * and answer none of the requests sent after this call (see
	 * {@link PendingRequests#failAll(RuntimeException, Runnable, PendingRequests.Exit)}).
	 * @param outcome why they fail
	 * @param reason what happened, for the message
	 * @param whileNoneSent as for {@link #failAll(PipeRequestOutcome, String, Runnable)}
	 * @param exit where the plug-in's lines end, or {@code null} if that could not be
	 * marked
	 * @return how many requests were failed
	 */
	int failAll(PipeRequestOutcome outcome, String reason, Runnable whileNoneSent,
			PendingRequests.@Nullable Exit exit) {
		return this.pending.failAll(failure(outcome, reason), whileNoneSent, exit);
	}

	private PipeRequestException failure(PipeRequestOutcome outcome, String reason) {
		String name = this.channel.getName();
		return new PipeRequestException(name, outcome, "No answer on channel '" + name + "': " + reason);
	}

	/**
	 * The reader reached the end of what an exited plug-in wrote; see
	 * {@link PendingRequests#exitReached}.
	 * @param mark the exit's mark
	 */
	void exitReached(PendingRequests.ExitMark mark) {
		this.pending.exitReached(mark);
		this.channel.listener.answered();
	}

	/**
	 * @return when the oldest request was sent, if it timed out and is still unanswered;
	 * see {@link PendingRequests#unansweredSince()}
	 */
	@Nullable Instant unansweredSince() {
		return this.pending.unansweredSince();
	}

	/**
	 * @return how many requests wait for their answer, timed-out ones that keep their
	 * place included
	 */
	int size() {
		return this.pending.size();
	}

}
