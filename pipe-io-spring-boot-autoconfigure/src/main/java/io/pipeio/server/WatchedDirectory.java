package io.pipeio.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pipeio.server.PipeWatchdog.PipeCheck;

/**
 * A directory watched for {@link WatchedPipeChecks}: its watch descriptor, where it was
 * watched, and the checks of the pipes in it by their names. Used by the watchdog thread
 * only.
 *
 * @author pipe-io
 */
final class WatchedDirectory {

	final int watch;

	/** Where it was watched: watched again there after lost events. */
	final Path path;

	/** Its watch is gone or no longer tells of the pipes' paths. */
	boolean lost;

	/**
	 * The checks by the name of a pipe: one each, but for two servers of one path (one of
	 * which fails to start). Lists of one or two, replaced on change: a set each took
	 * more memory than the rest for thousands of channels.
	 */
	private final Map<String, List<PipeCheck>> byName = new HashMap<>();

	WatchedDirectory(int watch, Path path) {
		this.watch = watch;
		this.path = path;
	}

	void add(String name, PipeCheck check) {
		List<PipeCheck> checks = this.byName.get(name);
		if (checks == null) {
			this.byName.put(name, List.of(check));
		}
		else if (!checks.contains(check)) {
			List<PipeCheck> more = new ArrayList<>(checks);
			more.add(check);
			this.byName.put(name, List.copyOf(more));
		}
	}

	void remove(String name, PipeCheck check) {
		List<PipeCheck> checks = this.byName.get(name);
		if (checks != null && checks.contains(check)) {
			List<PipeCheck> rest = new ArrayList<>(checks);
			rest.remove(check);
			if (rest.isEmpty()) {
				this.byName.remove(name);
			}
			else {
				this.byName.put(name, List.copyOf(rest));
			}
		}
	}

	boolean isEmpty() {
		return this.byName.isEmpty();
	}

	List<PipeCheck> checks(String name) {
		return this.byName.getOrDefault(name, List.of());
	}

	Set<PipeCheck> checks() {
		Set<PipeCheck> all = new LinkedHashSet<>();
		this.byName.values().forEach(all::addAll);
		return all;
	}

}
