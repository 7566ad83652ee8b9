"""Signed-in clients for the organisers' pages: the event's organiser and a participant, who
must get 403 there."""

import pytest
from django.test import Client

from sessions_app.models import Participant


@pytest.fixture
def organiser_client(client: Client, organiser: Participant) -> Client:
    client.force_login(organiser.user)
    return client


@pytest.fixture
def participant_client(participant: Participant) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(participant.user)
    return client
