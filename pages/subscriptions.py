import streamlit as st
st.title('subscriptions')
