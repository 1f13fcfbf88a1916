package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A FIFO opened without following a symbolic link or blocking, and checked to be a FIFO
 * on the opened descriptor. Its {@link #path()} reaches that very FIFO through
 * {@code /proc/self/fd}, whatever its name holds by then: what another process is given
 * to open (a plug-in's stdin and stdout) is what was checked.
 *
 * @author pipe-io
 */
public final class OpenedFifo implements AutoCloseable {

	private final FifoDescriptor descriptor;

	private OpenedFifo(FifoDescriptor descriptor) {
		this.descriptor = descriptor;
	}

	/**
	 * Open a FIFO as a non-blocking reader, for as long as it is being handed on.
	 * @param path the FIFO
	 * @return the opened FIFO
	 * @throws PipeFileException if the path is a symbolic link, missing, or not a FIFO
	 * @throws IOException if it cannot be opened
	 */
	public static OpenedFifo open(Path path) throws IOException {
		FifoDescriptor descriptor = FifoDescriptor.open(path);
		if (!descriptor.file().isFifo()) {
			descriptor.close();
			throw new PipeFileException(path, path + " is " + descriptor.file().kind().description() + ", not a FIFO");
		}
		return new OpenedFifo(descriptor);
	}

	/**
	 * @return the opened FIFO, as checked on its descriptor
	 */
	PipeFile file() {
		return this.descriptor.file();
	}

	/**
	 * @return a path that names the opened FIFO until this is closed
	 */
	public Path path() {
		return Path.of("/proc/self/fd/" + this.descriptor.descriptor());
	}

	@Override
	public void close() {
		this.descriptor.close();
	}

}
