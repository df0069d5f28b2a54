from django.urls import path

from dramas import views

app_name = "dramas"

urlpatterns = [
    path("", views.drama_list, name="list"),
    path("<slug:slug>/", views.drama_detail, name="detail"),
]
