package io.pipeio.event;

import java.nio.file.Path;

/**
 * A pipe of a channel was deleted or replaced on disk, and the channel re-created and
 * reopened it. Clients attached to the old pipe keep it until they close, and the channel
 * counts them as connected until then; new clients get the new one.
 *
 * @author pipe-io
 */
public class PipeRecreatedEvent extends PipeChannelEvent {

	private static final long serialVersionUID = 1L;

	private final Path path;

	/**
	 * Create an event.
	 * @param source the object publishing it
	 * @param channel the channel name
	 * @param path the re-created pipe
	 */
	public PipeRecreatedEvent(Object source, String channel, Path path) {
		super(source, channel);
		this.path = path;
	}

	/**
	 * @return the re-created pipe
	 */
	public Path getPath() {
		return this.path;
	}

}
