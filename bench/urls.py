"""The portal's routes plus `/bench/bare/`: Django rendering a small template, nothing else."""

from django.shortcuts import render
from django.urls import include, path


def bare(request):
    return render(request, "bench/bare.html", {"title": "Bare"})


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("portal.urls")),
]
