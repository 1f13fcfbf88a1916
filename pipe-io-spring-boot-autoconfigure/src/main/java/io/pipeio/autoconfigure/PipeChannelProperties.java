package io.pipeio.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Settings of one channel, {@code pipe-io.channels.<name>.*}. A setting left out takes
 * its value from {@code pipe-io.channel-defaults.*} ({@link PipeChannelDefaults}), so
 * every key here is {@code null} until set.
 *
 * @author pipe-io
 */
public class PipeChannelProperties {

	/**
	 * Path of the FIFO the application reads lines from, relative to pipe-io.directory
	 * unless absolute; "{channel}" stands for the channel's name. Defaults to
	 * {@code pipe-io.channel-defaults.in-pipe}.
	 */
	private @Nullable String inPipe;

	/**
	 * Path of the FIFO the application writes lines to, relative to pipe-io.directory
	 * unless absolute; "{channel}" stands for the channel's name. Defaults to
	 * {@code pipe-io.channel-defaults.out-pipe}.
	 */
	private @Nullable String outPipe;

	/**
	 * Permissions of created FIFOs, as in "ls -l" (such as rw------- or rw-rw----);
	 * applied exactly, whatever the umask. The owner must be able to read and write;
	 * execute bits mean nothing on a FIFO and are refused; read or write access for
	 * others needs allow-world-writable. Defaults to
	 * {@code pipe-io.channel-defaults.permissions}.
	 */
	private @Nullable String permissions;

	/**
	 * Whether permissions may let every user of the machine use the pipes ("others" r or
	 * w, as in rw-rw-rw-): any local process could then send the channel lines, and read
	 * (take) the lines others send or their replies. When on, a warning is logged at
	 * start. Defaults to {@code pipe-io.channel-defaults.allow-world-writable}.
	 */
	private @Nullable Boolean allowWorldWritable;

	/**
	 * Whether to create the FIFOs on start (replacing stale ones) and remove them on
	 * stop. When false, the FIFOs must exist and are never created or removed. Defaults
	 * to {@code pipe-io.channel-defaults.manage-pipes}.
	 */
	private @Nullable Boolean managePipes;

	/**
	 * Charset of text lines, used for String listener parameters and replies. Defaults to
	 * {@code pipe-io.channel-defaults.charset}.
	 */
	private @Nullable String charset;

	/**
	 * Largest incoming line, without its newline; longer lines are dropped (reason
	 * too-large). Defaults to {@code pipe-io.channel-defaults.max-message-size}.
	 */
	private @Nullable DataSize maxMessageSize;

	/**
	 * How many outgoing lines may wait to be written to the out pipe. Defaults to
	 * {@code pipe-io.channel-defaults.send-queue-capacity}.
	 */
	private @Nullable Integer sendQueueCapacity;

	/**
	 * Bound of the bytes of the outgoing lines waiting to be written (queued or being
	 * written), so that large lines cannot pile up in memory while no client reads. A
	 * single longer line is still sent once nothing else waits. Defaults to
	 * {@code pipe-io.channel-defaults.send-queue-max-bytes}.
	 */
	private @Nullable DataSize sendQueueMaxBytes;

	/**
	 * What happens to an outgoing line that does not fit into the full send queue:
	 * "block" (replies wait, so the channel stops reading its in pipe; other sends wait
	 * up to send-timeout, then fail), "drop-newest" (the line is dropped), "drop-oldest"
	 * (the oldest queued lines are dropped to make room) or "fail" (the send fails at
	 * once). Dropped lines are counted (reason queue-full). Defaults to
	 * {@code pipe-io.channel-defaults.overflow}.
	 */
	private @Nullable String overflow;

	/**
	 * With overflow "block", how long a send that is not a listener's reply (a
	 * PipeTemplate call, also one made by a listener; an asynchronous reply that
	 * completes later) waits for room in a full send queue before it fails. A listener's
	 * reply, returned or sent through its context while it handles the line, waits
	 * without limit. Defaults to {@code pipe-io.channel-defaults.send-timeout}.
	 */
	private @Nullable Duration sendTimeout;

	/**
	 * How long a PipeTemplate request to this channel waits for its answer when the
	 * caller gives no timeout, for a plug-in that answers faster or slower than the
	 * others. Defaults to {@code pipe-io.template.reply-timeout}.
	 */
	private @Nullable Duration replyTimeout;

	/**
	 * On the event loop engine, which thread runs the channel's listener: "auto" (a
	 * worker thread at first, the event loop thread once the listener is measured fast;
	 * back to workers when it turns slow or the client does not read its replies fast
	 * enough), "loop" (always the event loop thread: the fastest round trip, for a
	 * listener that never blocks, as a blocking one holds up every channel) or "worker"
	 * (always a worker thread, for a listener that may block). On the threads engine it
	 * is accepted and has no effect: the channel's reader thread runs the listener.
	 * Defaults to {@code pipe-io.channel-defaults.dispatch}.
	 */
	private @Nullable String dispatch;

	/**
	 * Whether the channel starts with the application. Defaults to
	 * {@code pipe-io.channel-defaults.auto-startup}.
	 */
	private @Nullable Boolean autoStartup;

	/**
	 * Calling the listener again with a line it threw an exception on.
	 */
	@NestedConfigurationProperty
	private final PipeRetryProperties retry = new PipeRetryProperties();

	/**
	 * The file that receives every line the channel drops.
	 */
	@NestedConfigurationProperty
	private final PipeDeadLetterProperties deadLetter = new PipeDeadLetterProperties();

	/**
	 * The process at the other end of the channel, started and supervised by pipe-io.
	 */
	private @Nullable PipePluginProperties plugin;

	public @Nullable PipePluginProperties getPlugin() {
		return this.plugin;
	}

	public void setPlugin(@Nullable PipePluginProperties plugin) {
		this.plugin = plugin;
	}

	public @Nullable String getInPipe() {
		return this.inPipe;
	}

	public void setInPipe(@Nullable String inPipe) {
		this.inPipe = inPipe;
	}

	public @Nullable String getOutPipe() {
		return this.outPipe;
	}

	public void setOutPipe(@Nullable String outPipe) {
		this.outPipe = outPipe;
	}

	public @Nullable String getPermissions() {
		return this.permissions;
	}

	public void setPermissions(@Nullable String permissions) {
		this.permissions = permissions;
	}

	public @Nullable Boolean getAllowWorldWritable() {
		return this.allowWorldWritable;
	}

	public void setAllowWorldWritable(@Nullable Boolean allowWorldWritable) {
		this.allowWorldWritable = allowWorldWritable;
	}

	public @Nullable Boolean getManagePipes() {
		return this.managePipes;
	}

	public void setManagePipes(@Nullable Boolean managePipes) {
		this.managePipes = managePipes;
	}

	public @Nullable String getCharset() {
		return this.charset;
	}

	public void setCharset(@Nullable String charset) {
		this.charset = charset;
	}

	public @Nullable DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(@Nullable DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	public @Nullable Integer getSendQueueCapacity() {
		return this.sendQueueCapacity;
	}

	public void setSendQueueCapacity(@Nullable Integer sendQueueCapacity) {
		this.sendQueueCapacity = sendQueueCapacity;
	}

	public @Nullable DataSize getSendQueueMaxBytes() {
		return this.sendQueueMaxBytes;
	}

	public void setSendQueueMaxBytes(@Nullable DataSize sendQueueMaxBytes) {
		this.sendQueueMaxBytes = sendQueueMaxBytes;
	}

	public @Nullable String getOverflow() {
		return this.overflow;
	}

	public void setOverflow(@Nullable String overflow) {
		this.overflow = overflow;
	}

	public @Nullable String getDispatch() {
		return this.dispatch;
	}

	public void setDispatch(@Nullable String dispatch) {
		this.dispatch = dispatch;
	}

	public @Nullable Duration getSendTimeout() {
		return this.sendTimeout;
	}

	public void setSendTimeout(@Nullable Duration sendTimeout) {
		this.sendTimeout = sendTimeout;
	}

	public @Nullable Duration getReplyTimeout() {
		return this.replyTimeout;
	}

	public void setReplyTimeout(@Nullable Duration replyTimeout) {
		this.replyTimeout = replyTimeout;
	}

	public @Nullable Boolean getAutoStartup() {
		return this.autoStartup;
	}

	public void setAutoStartup(@Nullable Boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	public PipeRetryProperties getRetry() {
		return this.retry;
	}

	public PipeDeadLetterProperties getDeadLetter() {
		return this.deadLetter;
	}

}
