/**
 * The plug-in host: starts, supervises and stops the process at the other end of a
 * channel ({@link io.pipeio.plugin.PluginSupervisor}). Free of Spring, like the engine in
 * {@code io.pipeio.server}.
 */
@NullMarked
package io.pipeio.plugin;

import org.jspecify.annotations.NullMarked;
