package io.pipeio.server;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pipeio.server.PipeWatchdog.PipeCheck;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The watchdog's channel checks sorted by what the directories' events can tell. A check
 * whose pipes' directories are all watched looks at the pipes' paths when an entry of
 * their names changes, and otherwise only in the slow backstop sweep; a check without (a
 * directory could not be watched, or was deleted or moved) looks every time it runs, as
 * every check does where there are no events. Thousands of idle channels then cost next
 * to nothing, where looking at each one's paths once a second kept a few percent of a
 * core busy. Used by the watchdog thread only.
 *
 * @author pipe-io
 */
final class WatchedPipeChecks implements Closeable {

	private static final Log logger = LogFactory.getLog(WatchedPipeChecks.class);

	private static final int SELF = DirectoryEvents.IN_DELETE_SELF | DirectoryEvents.IN_MOVE_SELF
			| DirectoryEvents.IN_UNMOUNT | DirectoryEvents.IN_IGNORED;

	private @Nullable DirectoryEvents events;

	private final Map<PipeCheck, List<Place>> places = new HashMap<>();

	private final Map<Integer, WatchedDirectory> directories = new HashMap<>();

	private final Set<PipeCheck> watched = new LinkedHashSet<>();

	private final Set<PipeCheck> unwatched = new LinkedHashSet<>();

	private final Set<PipeCheck> due = new LinkedHashSet<>();

	/** Events were lost since the last call of {@link #due()}. */
	private boolean overflowed;

	WatchedPipeChecks(@Nullable DirectoryEvents events) {
		this.events = events;
	}

	/**
	 * Take in the checks registered now: watch the directories of new ones, which are due
	 * at once (a change before the watch is seen by that first check), and let go of
	 * those no longer registered.
	 * @param registered each check with the paths of its pipes
	 */
	void update(Map<PipeCheck, List<Path>> registered) {
		registered.forEach((check, paths) -> {
			if (!this.places.containsKey(check)) {
				add(check, paths);
			}
		});
		if (this.places.size() > registered.size() || !registered.keySet().containsAll(this.places.keySet())) {
			for (PipeCheck check : new ArrayList<>(this.places.keySet())) {
				if (!registered.containsKey(check)) {
					remove(check);
				}
			}
		}
	}

	private void add(PipeCheck check, List<Path> paths) {
		DirectoryEvents watcher = this.events;
		List<Place> placed = new ArrayList<>(paths.size());
		boolean all = watcher != null && !paths.isEmpty();
		for (Path path : paths) {
			Path absolute = path.toAbsolutePath();
			Path parent = absolute.getParent();
			Path name = absolute.getFileName();
			if (watcher == null || parent == null || name == null) {
				all = false;
				continue;
			}
			try {
				int watch = watcher.watch(parent);
				WatchedDirectory directory = this.directories.computeIfAbsent(watch,
						(added) -> new WatchedDirectory(added, parent));
				directory.add(name.toString(), check);
				placed.add(new Place(directory, name.toString()));
			}
			catch (IOException ex) {
				logger.debug("The pipes in " + parent + " are looked at whenever their channels are checked: "
						+ ex.getMessage());
				all = false;
			}
		}
		this.places.put(check, placed);
		(all ? this.watched : this.unwatched).add(check);
		this.due.add(check);
	}

	private void remove(PipeCheck check) {
		List<Place> placed = this.places.remove(check);
		this.watched.remove(check);
		this.unwatched.remove(check);
		this.due.remove(check);
		if (placed == null) {
			return;
		}
		for (Place place : placed) {
			WatchedDirectory directory = place.directory();
			directory.remove(place.name(), check);
			if (directory.isEmpty() && !directory.lost) {
				this.directories.remove(directory.watch);
				DirectoryEvents watcher = this.events;
				if (watcher != null) {
					watcher.unwatch(directory.watch);
				}
			}
		}
	}

	/**
	 * The checks that must look at their pipes' paths now: those of every pipe whose name
	 * changed in its directory since the last call, of every directory deleted or moved,
	 * and the new ones.
	 * @return the checks, each once
	 */
	List<PipeCheck> due() {
		DirectoryEvents watcher = this.events;
		if (watcher != null) {
			try {
				watcher.drain(this::changed);
				if (this.overflowed) {
					this.overflowed = false;
					rewatch(watcher);
				}
			}
			catch (IOException | RuntimeException ex) {
				logger.info("The pipes' directories can no longer be watched (" + ex
						+ "): their paths are looked at whenever their channels are checked");
				this.events = null;
				watcher.close();
				this.directories.values().forEach((directory) -> directory.lost = true);
				this.directories.clear();
				this.due.addAll(this.watched);
				this.unwatched.addAll(this.watched);
				this.watched.clear();
			}
		}
		if (this.due.isEmpty()) {
			return List.of();
		}
		List<PipeCheck> now = new ArrayList<>(this.due);
		this.due.clear();
		return now;
	}

	private void changed(int watch, int mask, @Nullable String name) {
		if ((mask & DirectoryEvents.IN_Q_OVERFLOW) != 0) {
			this.due.addAll(this.places.keySet());
			this.overflowed = true;
			return;
		}
		WatchedDirectory directory = this.directories.get(watch);
		if (directory == null) {
			return; // a watch let go of
		}
		if ((mask & SELF) != 0) {
			// The directory is gone, or its entries are no longer at the pipes' paths:
			// nothing it tells from now on is about them.
			lose(directory);
			DirectoryEvents watcher = this.events;
			if (watcher != null && (mask & DirectoryEvents.IN_IGNORED) == 0) {
				watcher.unwatch(watch);
			}
			return;
		}
		if (name != null) {
			this.due.addAll(directory.checks(name));
		}
	}

	/**
	 * After lost events, find the directories whose deletion or move was among them: the
	 * watch of such a directory tells nothing more of the pipes' paths, so its checks
	 * must look every time, as after an event of the directory itself. Watching a
	 * directory again gives the same watch while it is the one watched.
	 * @param watcher the events
	 */
	private void rewatch(DirectoryEvents watcher) {
		for (WatchedDirectory directory : new ArrayList<>(this.directories.values())) {
			int again;
			try {
				again = watcher.watch(directory.path);
			}
			catch (IOException ex) {
				again = -1;
			}
			if (again != directory.watch) {
				lose(directory);
				watcher.unwatch(directory.watch);
				if (again != -1 && !this.directories.containsKey(again)) {
					watcher.unwatch(again);
				}
			}
		}
	}

	/**
	 * A directory's watch no longer tells of its pipes' paths: its checks are due, and
	 * look every time from now on.
	 * @param directory the directory
	 */
	private void lose(WatchedDirectory directory) {
		this.directories.remove(directory.watch);
		directory.lost = true;
		for (PipeCheck check : directory.checks()) {
			this.due.add(check);
			if (this.watched.remove(check)) {
				this.unwatched.add(check);
			}
		}
	}

	/**
	 * Try again to watch the directories of the checks that have one not watched: one
	 * deleted and made again, or one that could not be watched then. Those that can be
	 * now go back to events.
	 * @param registered each check with the paths of its pipes
	 */
	void watchAgain(Map<PipeCheck, List<Path>> registered) {
		if (this.events == null || this.unwatched.isEmpty()) {
			return;
		}
		for (PipeCheck check : new ArrayList<>(this.unwatched)) {
			List<Path> paths = registered.get(check);
			if (paths != null) {
				remove(check);
				add(check, paths);
			}
		}
	}

	/**
	 * @return the checks whose directories are all watched, for the backstop sweep
	 */
	Set<PipeCheck> watched() {
		return this.watched;
	}

	/**
	 * @return the checks with a directory not watched, which look at their pipes' paths
	 * whenever they run
	 */
	Set<PipeCheck> unwatched() {
		return this.unwatched;
	}

	/**
	 * @param check a check
	 * @return whether it has a directory not watched
	 */
	boolean isUnwatched(PipeCheck check) {
		return this.unwatched.contains(check);
	}

	@Override
	public void close() {
		DirectoryEvents watcher = this.events;
		this.events = null;
		if (watcher != null) {
			watcher.close();
		}
	}

	/** Where a check's pipe is: its directory's watch and its name there. */
	private record Place(WatchedDirectory directory, String name) {
	}

}
