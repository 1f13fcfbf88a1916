package io.pipeio.plugin;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import org.jspecify.annotations.Nullable;

/**
 * Stops a process tree in its tracks (SIGSTOP) before it is killed: a process that runs
 * may start another between the listing of the tree and its SIGKILL, and that one, its
 * parent gone, belongs to the system's first process and can no longer be found from the
 * tree. A stopped process starts nothing, and the stopped tree can be listed again until
 * the listing holds no process that was not stopped. SIGKILL ends stopped processes too.
 * <p>
 * Where SIGSTOP cannot be sent (no native calls), the tree is only listed, as before.
 *
 * @author pipe-io
 */
final class ProcessFreeze {

	/** Bounds the rounds against a tree that outgrows the listing. */
	private static final int MAX_ROUNDS = 50;

	/**
	 * How long a round waits for its processes to stop (one in a disk wait takes time).
	 */
	private static final long STOP_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	/** SIGSTOP: 19 on the Linux ports, 0 where it is not known. */
	private static final int SIGSTOP = stopSignal();

	/** SIGCONT: 18 where SIGSTOP is 19. */
	private static final int SIGCONT = (SIGSTOP != 0) ? 18 : 0;

	private static final @Nullable Signals SIGNALS = load();

	private ProcessFreeze() {
	}

	/**
	 * Stop a process tree, and list it.
	 * @param root the tree's first process
	 * @param known processes of the tree listed before, stopped here too if they still
	 * run
	 * @return every process of the tree that did not exit, stopped where that could be
	 * done
	 */
	static Set<ProcessHandle> freeze(ProcessHandle root, Set<ProcessHandle> known) {
		Set<ProcessHandle> frozen = new LinkedHashSet<>();
		Set<ProcessHandle> found = new LinkedHashSet<>(known);
		for (int round = 0; round < MAX_ROUNDS; round++) {
			if (root.isAlive()) {
				found.add(root);
			}
			// children of stopped processes were started before they stopped, and
			// show up here
			root.descendants().forEach(found::add);
			found.removeAll(frozen);
			found.removeIf(ExitWatch::hasExited);
			if (found.isEmpty()) {
				break;
			}
			found.forEach(ProcessFreeze::stop);
			awaitStopped(found);
			frozen.addAll(found);
			found.clear();
		}
		return frozen;
	}

	/**
	 * Continue the processes a signal stopped ({@code SIGCONT}), as after a
	 * {@code SIGTERM}: a stopped process keeps the signal pending and would neither end
	 * cleanly nor at all before the {@code SIGKILL}.
	 * @param processes the processes; those not stopped are left alone
	 */
	static void resume(Set<ProcessHandle> processes) {
		for (ProcessHandle process : processes) {
			if (ExitWatch.isStopped(process)) {
				signal(process, SIGCONT);
			}
		}
	}

	private static void stop(ProcessHandle process) {
		signal(process, SIGSTOP);
	}

	private static void signal(ProcessHandle process, int signal) {
		Signals signals = SIGNALS;
		if (signals == null) {
			return;
		}
		try {
			signals.kill((int) process.pid(), signal);
		}
		catch (LastErrorException ex) {
			// gone meanwhile
		}
	}

	/**
	 * Wait until each process is stopped or gone: SIGSTOP takes effect a moment after it
	 * was sent, and a process may still start one more child until then.
	 */
	private static void awaitStopped(Set<ProcessHandle> processes) {
		if (SIGNALS == null) {
			return;
		}
		long deadline = System.nanoTime() + STOP_WAIT_NANOS;
		for (ProcessHandle process : processes) {
			while (!isStoppedOrGone(process) && System.nanoTime() - deadline < 0) {
				LockSupport.parkNanos(100_000);
			}
		}
	}

	private static boolean isStoppedOrGone(ProcessHandle process) {
		char state = ExitWatch.state(process);
		return state == 'T' || state == 't' || state == 'Z' || state == 'X' || state == '?';
	}

	private static @Nullable Signals load() {
		try {
			return (SIGSTOP != 0) ? Native.load("c", Signals.class) : null;
		}
		catch (Throwable ex) {
			// no JNA native stub, or (in a native image) no proxy for the interface: the
			// tree is then only listed, never stopped, as the Posix calls do
			return null;
		}
	}

	private static int stopSignal() {
		if (!System.getProperty("os.name", "").startsWith("Linux")) {
			return 0;
		}
		return switch (System.getProperty("os.arch", "")) {
			case "amd64", "x86_64", "x86", "i386", "i686", "s390x", "riscv64", "loongarch64", "aarch64", "arm", "ppc64",
					"ppc64le" ->
				19;
			default -> 0;
		};
	}

	/**
	 * The C library's {@code kill}.
	 */
	interface Signals extends Library {

		int kill(int pid, int signal) throws LastErrorException;

	}

}
