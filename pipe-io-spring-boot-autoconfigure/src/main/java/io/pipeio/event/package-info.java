/**
 * Application events published when a channel starts, stops, pauses, resumes, fails or
 * has a pipe re-created, when its first client comes or its last one leaves, and when its
 * plug-in process starts or exits, so applications can react (for example restart a
 * plug-in process).
 */
@NullMarked
package io.pipeio.event;

import org.jspecify.annotations.NullMarked;
