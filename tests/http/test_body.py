"""BodyReader: message handling, the whole-body deadline kept by one sweeper per loop, and cancellation."""

import asyncio

import pytest

from microdj.core.exceptions import RequestDataTooBig, RequestTimeout
from microdj.http.body import BodyReader


async def _never_answers():
    """An ASGI receive() whose client never sends anything."""
    await asyncio.Event().wait()


def test_messages_of_other_types_are_skipped():
    messages = [{"type": "http.other"}, {"type": "http.request", "body": b"ab", "more_body": False}]

    async def receive():
        return messages.pop(0)

    async def main():
        reader = BodyReader(receive, 2, None)
        return await reader.read_all(None)

    assert asyncio.run(main()) == b"ab"


def test_a_body_in_one_message_over_the_limit_is_too_big():
    async def receive():
        return {"type": "http.request", "body": b"abcde", "more_body": False}

    async def main():
        with pytest.raises(RequestDataTooBig):
            await BodyReader(receive, None, None).read_all(4)
        reader = BodyReader(receive, None, None)
        assert await reader.read_all(5) == b"abcde"
        assert await reader.read_all(5) == b""  # the body was read: nothing more

    asyncio.run(main())


def test_a_cancellation_that_is_not_a_timeout_propagates():
    async def main():
        reader = BodyReader(_never_answers, 10, 30.0)
        task = asyncio.create_task(reader.chunk())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())


def test_a_shorter_timeout_reschedules_the_sweep():
    async def main():
        slow = asyncio.create_task(BodyReader(_never_answers, 10, 30.0).chunk())
        await asyncio.sleep(0)
        with pytest.raises(RequestTimeout, match="within 0.05 seconds"):
            await BodyReader(_never_answers, 10, 0.05).chunk()
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow

    asyncio.run(main())


def test_time_spent_between_reads_is_not_the_clients():
    messages = [{"type": "http.request", "body": b"a", "more_body": True} for _ in range(3)]
    messages.append({"type": "http.request", "body": b"b", "more_body": False})

    async def receive():
        return messages.pop(0)

    async def main():
        reader = BodyReader(receive, None, 0.05)
        chunks = []
        while chunk := await reader.chunk():
            chunks.append(chunk)
            await asyncio.sleep(0.03)  # the server busy elsewhere: 0.12 s in all, over the timeout
        return b"".join(chunks)

    assert asyncio.run(main()) == b"aaab"


def test_waits_add_up_to_the_timeout():
    async def main():
        async def receive():
            await asyncio.sleep(0.02)
            return {"type": "http.request", "body": b"x", "more_body": True}

        reader = BodyReader(receive, None, 0.05)
        with pytest.raises(RequestTimeout):
            while await reader.chunk():  # every wait is under the timeout; their sum is not
                pass
        return reader.received

    assert asyncio.run(main()) >= 2


def test_timeouts_under_the_smallest_interval_share_one_sweep():
    async def main():
        # 2 ms and then 1.5 ms both sweep every millisecond (the floor): the second read keeps the sweep.
        first = asyncio.create_task(BodyReader(_never_answers, 10, 0.002).chunk())
        await asyncio.sleep(0)
        with pytest.raises(RequestTimeout, match="within 0.0015 seconds"):
            await BodyReader(_never_answers, 10, 0.0015).chunk()
        with pytest.raises(RequestTimeout, match="within 0.002 seconds"):
            await first

    asyncio.run(main())
