/* loop: the event loop (placeholder until the engine lands; see issue 2). */
#ifndef AIO_LOOP_H
#define AIO_LOOP_H
#endif
