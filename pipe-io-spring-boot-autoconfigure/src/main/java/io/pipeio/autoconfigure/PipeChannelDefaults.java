package io.pipeio.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Settings given once for every channel, {@code pipe-io.channel-defaults.*}: a channel's
 * own value under {@code pipe-io.channels.<name>} wins. Its keys are those of
 * {@link PipeChannelProperties}, with the built-in defaults, but {@code plugin} (there is
 * no default plug-in) and {@code reply-timeout} (whose default is
 * {@code pipe-io.template.reply-timeout}).
 *
 * @author pipe-io
 */
public class PipeChannelDefaults {

	/**
	 * Path of the FIFO the application reads lines from, relative to pipe-io.directory
	 * unless absolute; "{channel}" stands for the channel's name.
	 */
	private String inPipe = "{channel}.in";

	/**
	 * Path of the FIFO the application writes lines to, relative to pipe-io.directory
	 * unless absolute; "{channel}" stands for the channel's name.
	 */
	private String outPipe = "{channel}.out";

	/**
	 * Permissions of created FIFOs, as in "ls -l" (such as rw------- or rw-rw----);
	 * applied exactly, whatever the umask. The owner must be able to read and write;
	 * execute bits mean nothing on a FIFO and are refused; read or write access for
	 * others needs allow-world-writable.
	 */
	private String permissions = "rw-------";

	/**
	 * Whether permissions may let every user of the machine use the pipes ("others" r or
	 * w, as in rw-rw-rw-): any local process could then send the channel lines, and read
	 * (take) the lines others send or their replies. When on, a warning is logged at
	 * start.
	 */
	private boolean allowWorldWritable = false;

	/**
	 * Whether to create the FIFOs on start (replacing stale ones) and remove them on
	 * stop. When false, the FIFOs must exist and are never created or removed.
	 */
	private boolean managePipes = true;

	/**
	 * Charset of text lines, used for String listener parameters and replies.
	 */
	private String charset = "UTF-8";

	/**
	 * Largest incoming line, without its newline; longer lines are dropped (reason
	 * too-large).
	 */
	private DataSize maxMessageSize = DataSize.ofMegabytes(1);

	/**
	 * How many outgoing lines may wait to be written to the out pipe.
	 */
	private int sendQueueCapacity = 10_000;

	/**
	 * Bound of the bytes of the outgoing lines waiting to be written (queued or being
	 * written), so that large lines cannot pile up in memory while no client reads. A
	 * single longer line is still sent once nothing else waits.
	 */
	private DataSize sendQueueMaxBytes = DataSize.ofMegabytes(64);

	/**
	 * What happens to an outgoing line that does not fit into the full send queue:
	 * "block" (replies wait, so the channel stops reading its in pipe; other sends wait
	 * up to send-timeout, then fail), "drop-newest" (the line is dropped), "drop-oldest"
	 * (the oldest queued lines are dropped to make room) or "fail" (the send fails at
	 * once). Dropped lines are counted (reason queue-full).
	 */
	private String overflow = "block";

	/**
	 * With overflow "block", how long a send that is not a listener's reply (a
	 * PipeTemplate call, also one made by a listener; an asynchronous reply that
	 * completes later) waits for room in a full send queue before it fails. A listener's
	 * reply, returned or sent through its context while it handles the line, waits
	 * without limit.
	 */
	private Duration sendTimeout = Duration.ofSeconds(5);

	/**
	 * On the event loop engine, which thread runs the channel's listener: "auto" (the
	 * default: a worker thread at first, the event loop thread once the listener is
	 * measured fast; back to workers when it turns slow or the client does not read its
	 * replies fast enough), "worker" (always a worker thread, for a listener that blocks
	 * often) or "loop" (always the event loop thread: the fastest round trip). A listener
	 * that blocks on the loop thread, or waits for a pipe there, holds up every other
	 * channel until the watchdog lets a new thread wait for events (200–400 ms). On the
	 * threads engine it is accepted and has no effect: the channel's reader thread runs
	 * the listener.
	 */
	private String dispatch = "auto";

	/**
	 * Whether the channel starts with the application.
	 */
	private boolean autoStartup = true;

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

	public String getInPipe() {
		return this.inPipe;
	}

	public void setInPipe(String inPipe) {
		this.inPipe = inPipe;
	}

	public String getOutPipe() {
		return this.outPipe;
	}

	public void setOutPipe(String outPipe) {
		this.outPipe = outPipe;
	}

	public String getPermissions() {
		return this.permissions;
	}

	public void setPermissions(String permissions) {
		this.permissions = permissions;
	}

	public boolean isAllowWorldWritable() {
		return this.allowWorldWritable;
	}

	public void setAllowWorldWritable(boolean allowWorldWritable) {
		this.allowWorldWritable = allowWorldWritable;
	}

	public boolean isManagePipes() {
		return this.managePipes;
	}

	public void setManagePipes(boolean managePipes) {
		this.managePipes = managePipes;
	}

	public String getCharset() {
		return this.charset;
	}

	public void setCharset(String charset) {
		this.charset = charset;
	}

	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	public int getSendQueueCapacity() {
		return this.sendQueueCapacity;
	}

	public void setSendQueueCapacity(int sendQueueCapacity) {
		this.sendQueueCapacity = sendQueueCapacity;
	}

	public DataSize getSendQueueMaxBytes() {
		return this.sendQueueMaxBytes;
	}

	public void setSendQueueMaxBytes(DataSize sendQueueMaxBytes) {
		this.sendQueueMaxBytes = sendQueueMaxBytes;
	}

	public String getOverflow() {
		return this.overflow;
	}

	public void setOverflow(String overflow) {
		this.overflow = overflow;
	}

	public String getDispatch() {
		return this.dispatch;
	}

	public void setDispatch(String dispatch) {
		this.dispatch = dispatch;
	}

	public Duration getSendTimeout() {
		return this.sendTimeout;
	}

	public void setSendTimeout(Duration sendTimeout) {
		this.sendTimeout = sendTimeout;
	}

	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	public PipeRetryProperties getRetry() {
		return this.retry;
	}

	public PipeDeadLetterProperties getDeadLetter() {
		return this.deadLetter;
	}

}
