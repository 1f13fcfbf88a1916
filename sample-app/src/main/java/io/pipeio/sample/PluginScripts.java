package io.pipeio.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Extracts the plug-in scripts shipped in the jar ({@code plugins/shout.sh}) into a new
 * directory only this user can read, and sets {@code sample.plugins-dir} to it, so that
 * the packaged jar runs its plug-ins whatever its working directory. A
 * {@code sample.plugins-dir} set by the user wins.
 *
 * @author pipe-io
 */
public class PluginScripts implements EnvironmentPostProcessor {

	static final String PROPERTY = "sample.plugins-dir";

	private static final String[] SCRIPTS = { "shout.sh" };

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.containsProperty(PROPERTY)) {
			return;
		}
		try {
			Path directory = Files.createTempDirectory("pipe-io-sample-plugins",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			directory.toFile().deleteOnExit();
			for (String script : SCRIPTS) {
				Path target = directory.resolve(script);
				try (InputStream in = PluginScripts.class.getResourceAsStream("/plugins/" + script)) {
					if (in == null) {
						throw new IllegalStateException("plugins/" + script + " is missing from the class path");
					}
					Files.copy(in, target);
				}
				Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
				target.toFile().deleteOnExit();
			}
			environment.getPropertySources()
				.addLast(new MapPropertySource("samplePluginScripts", Map.of(PROPERTY, directory.toString())));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot extract the sample's plug-in scripts", ex);
		}
	}

}
