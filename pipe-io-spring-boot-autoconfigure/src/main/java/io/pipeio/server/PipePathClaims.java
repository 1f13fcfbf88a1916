package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipe paths served by running servers of this JVM. The directory lock cannot tell
 * two servers of one process apart (every channel of the JVM shares it), yet two servers
 * on one FIFO would split its lines just as two processes would: for example two
 * application contexts with the same directory and channel. A path is claimed at start
 * and released at stop.
 *
 * @author pipe-io
 */
final class PipePathClaims {

	/** Guarded by the class: claims are rare (start and stop), a plain lock is enough. */
	private static final Map<Path, Claim> claims = new HashMap<>();

	/**
	 * The paths each owner claimed, so that a release touches only those: a scan of every
	 * claim made stopping thousands of channels quadratic. Guarded by the class.
	 */
	private static final Map<Object, List<Path>> claimedBy = new IdentityHashMap<>();

	private PipePathClaims() {
	}

	/**
	 * Claim the pipe paths of a channel, all or none.
	 * @param owner the server claiming them, to release them by
	 * @param channel the channel name, for messages
	 * @param paths the pipe paths with symbolic links in their directories resolved
	 * @throws PipeInUseException if another server of this JVM has claimed one of them
	 */
	static synchronized void claim(Object owner, String channel, List<Path> paths) throws IOException {
		for (Path path : paths) {
			Claim other = claims.get(path);
			if (other != null && other.owner() != owner) {
				throw new PipeInUseException(path,
						"Cannot serve " + path + " for channel '" + channel + "': channel '" + other.channel()
								+ "' of another server in this JVM already serves it."
								+ " Two servers on one pipe would split its lines; stop that server first, or configure"
								+ " another pipe-io.directory (or pipe path) for one of them.",
						true);
			}
		}
		List<Path> owned = claimedBy.computeIfAbsent(owner, (key) -> new ArrayList<>(2));
		Claim claim = new Claim(owner, channel);
		for (Path path : paths) {
			if (claims.put(path, claim) == null) {
				owned.add(path);
			}
		}
	}

	/**
	 * Release every path the owner claimed.
	 * @param owner the server that claimed them
	 */
	static synchronized void release(Object owner) {
		List<Path> owned = claimedBy.remove(owner);
		if (owned != null) {
			for (Path path : owned) {
				claims.remove(path);
			}
		}
	}

	private record Claim(Object owner, String channel) {
	}

}
