from django.shortcuts import render


def advisory_home(request):
    return render(request, "advisory/advisory_home.html", {})
