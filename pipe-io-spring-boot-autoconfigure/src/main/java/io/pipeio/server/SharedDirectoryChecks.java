package io.pipeio.server;

import org.jspecify.annotations.Nullable;

/**
 * While open, the servers started on this thread check each pipe directory once rather
 * than once per server: for starting many channels at once. Each server still inspects
 * its own pipe paths and verifies what it opens. A directory chain that passed the check
 * cannot be made unsafe by another user (see {@code PipeDirectories}); a server started
 * after {@link #close()} checks afresh.
 *
 * <pre>
 * try (SharedDirectoryChecks checks = SharedDirectoryChecks.open()) {
 *     servers.forEach(PipeServer::start);
 * }
 * </pre>
 *
 * @author pipe-io
 */
public final class SharedDirectoryChecks implements AutoCloseable {

	private final PipeDirectories.@Nullable Scope scope;

	private SharedDirectoryChecks(PipeDirectories.@Nullable Scope scope) {
		this.scope = scope;
	}

	/**
	 * Share directory checks on this thread until {@link #close()}; inside an open one,
	 * the outer one decides.
	 * @return the scope to close
	 */
	public static SharedDirectoryChecks open() {
		return new SharedDirectoryChecks(PipeDirectories.openScope());
	}

	@Override
	public void close() {
		if (this.scope != null) {
			this.scope.close();
		}
	}

}
