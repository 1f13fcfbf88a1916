package io.pipeio.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What this process's descriptors are open on, read from {@code /proc/self/fd} (Linux):
 * for tests that check a file is let go of, or still held.
 */
public final class OpenDescriptors {

	private OpenDescriptors() {
	}

	/**
	 * @param path a file
	 * @return how many descriptors are open on the file at the path
	 */
	public static long on(Path path) throws IOException {
		Path file = path.toRealPath();
		return targets().stream().filter((target) -> target.target().equals(file)).count();
	}

	/**
	 * @param path a path whose file was deleted or replaced
	 * @return how many descriptors are open on a file that had the path and was deleted
	 * or replaced since
	 */
	public static long onDeleted(Path path) throws IOException {
		String deleted = path.getParent().toRealPath().resolve(path.getFileName()) + " (deleted)";
		return targets().stream().filter((target) -> target.target().toString().equals(deleted)).count();
	}

	/**
	 * @param directory a directory
	 * @return the descriptors open on files below it, each as {@code fd -> file}
	 */
	public static List<String> under(Path directory) throws IOException {
		Path real = directory.toRealPath();
		return targets().stream()
			.filter((target) -> target.target().startsWith(real))
			.map((target) -> target.descriptor() + " -> " + target.target())
			.toList();
	}

	private static List<Target> targets() throws IOException {
		List<Target> targets = new ArrayList<>();
		try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
			for (Path descriptor : descriptors.toList()) {
				try {
					targets.add(new Target(descriptor.getFileName().toString(), Files.readSymbolicLink(descriptor)));
				}
				catch (IOException ex) {
					// closed meanwhile, the listing's own included
				}
			}
		}
		return targets;
	}

	private record Target(String descriptor, Path target) {
	}

}
